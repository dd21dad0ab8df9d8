namespace Downhill.Plots;

internal enum ImageFormat
{
    Png,
    Svg,
}

/// <summary>Checks output paths before anything is drawn, and writes files atomically so a reader never
/// sees half a picture.</summary>
internal static class ImageFile
{
    /// <summary>The format named by the path's extension (.png or .svg, any case).</summary>
    public static ImageFormat FormatOf(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension == ".png") return ImageFormat.Png;
        if (extension == ".svg") return ImageFormat.Svg;
        Throw.UnknownExtension(path);
        return default;
    }

    /// <summary>Throws a message naming the folder when the file's folder does not exist.</summary>
    public static void CheckFolderExists(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        if (!Directory.Exists(folder))
            Throw.MissingFolder(path, folder);
    }

    /// <summary>Writes to a temporary file beside the target, then renames it over the target.</summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> bytes)
    {
        CheckFolderExists(path);
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                stream.Write(bytes);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }
}
