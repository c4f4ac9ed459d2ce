namespace CaptionBoundaries.Infrastructure.DatasetVersions;

/// <summary>How far hashing a dataset folder into the blob store has got.</summary>
public sealed record DatasetHashingProgress(int FilesDone, int FilesTotal, long BytesDone);
