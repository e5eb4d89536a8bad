-- CreateTable
CREATE TABLE "StackVersion" (
    "id" TEXT NOT NULL,
    "clusterId" TEXT NOT NULL,
    "stack" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "composeFile" TEXT NOT NULL,
    "files" JSONB NOT NULL DEFAULT '[]',
    "environment" TEXT,
    "source" TEXT NOT NULL,
    "fromVersion" INTEGER,
    "prune" BOOLEAN NOT NULL DEFAULT false,
    "environmentId" TEXT,
    "deployedById" TEXT,
    "deployedByName" TEXT NOT NULL,
    "deployedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" TEXT NOT NULL,
    "message" TEXT,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "StackVersion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "StackVersion_clusterId_stack_deployedAt_idx" ON "StackVersion"("clusterId", "stack", "deployedAt");

-- CreateIndex
CREATE UNIQUE INDEX "StackVersion_clusterId_stack_version_key" ON "StackVersion"("clusterId", "stack", "version");
