-- AlterTable
ALTER TABLE "Environment" ADD COLUMN     "sshHostKey" TEXT;
