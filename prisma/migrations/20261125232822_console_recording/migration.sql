-- CreateTable
CREATE TABLE "ConsoleRecordingChunk" (
    "eventId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "data" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConsoleRecordingChunk_pkey" PRIMARY KEY ("eventId","seq")
);
