-- AlterTable
ALTER TABLE "AuditCheckpoint" ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'prune',
ADD COLUMN     "mac" TEXT;

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "completedAt" TIMESTAMP(3),
ADD COLUMN     "completionHash" TEXT,
ADD COLUMN     "completionPrevHash" TEXT,
ADD COLUMN     "completionSeq" BIGINT,
ADD COLUMN     "environmentName" TEXT,
ADD COLUMN     "intentFields" JSONB;

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_completionSeq_key" ON "AuditEvent"("completionSeq");
