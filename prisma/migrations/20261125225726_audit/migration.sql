-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "chainSeq" BIGINT,
    "time" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorUserId" TEXT,
    "actorUsername" TEXT,
    "actorTokenId" TEXT,
    "ip" TEXT,
    "userAgent" TEXT,
    "action" TEXT NOT NULL,
    "permission" TEXT,
    "environmentId" TEXT,
    "targetKind" TEXT,
    "targetId" TEXT,
    "targetName" TEXT,
    "params" JSONB,
    "outcome" TEXT NOT NULL,
    "error" TEXT,
    "durationMs" INTEGER,
    "prevHash" TEXT,
    "hash" TEXT,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditCheckpoint" (
    "id" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "throughSeq" BIGINT NOT NULL,
    "lastHash" TEXT NOT NULL,
    "pruned" INTEGER NOT NULL,

    CONSTRAINT "AuditCheckpoint_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_chainSeq_key" ON "AuditEvent"("chainSeq");

-- CreateIndex
CREATE INDEX "AuditEvent_time_idx" ON "AuditEvent"("time");

-- CreateIndex
CREATE INDEX "AuditEvent_actorUserId_time_idx" ON "AuditEvent"("actorUserId", "time");

-- CreateIndex
CREATE INDEX "AuditEvent_action_time_idx" ON "AuditEvent"("action", "time");

-- CreateIndex
CREATE INDEX "AuditEvent_environmentId_time_idx" ON "AuditEvent"("environmentId", "time");

-- CreateIndex
CREATE INDEX "AuditEvent_outcome_time_idx" ON "AuditEvent"("outcome", "time");
