-- AlterTable
ALTER TABLE "Environment" ADD COLUMN     "group" TEXT,
ADD COLUMN     "paused" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "sshKeySealed" TEXT,
ADD COLUMN     "sshPassSealed" TEXT,
ADD COLUMN     "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "tlsCa" TEXT,
ADD COLUMN     "tlsCert" TEXT,
ADD COLUMN     "tlsKeySealed" TEXT,
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
