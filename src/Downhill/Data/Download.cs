using System.Net;
using System.Security.Cryptography;

namespace Downhill.Data;

/// <summary>
/// Fetches a file and keeps it only if its SHA-256 is the expected one. The bytes go to a
/// temporary file beside the destination and are renamed into place after the check, so the
/// destination is either absent or complete and verified, never half-written.
/// </summary>
public static class Download
{
    private static readonly Lazy<HttpClient> Http = new(() => new HttpClient(new SocketsHttpHandler
    {
        // Fail fast on a machine without network instead of waiting for the OS timeout.
        ConnectTimeout = TimeSpan.FromSeconds(15),
        AutomaticDecompression = DecompressionMethods.None,
    })
    { Timeout = TimeSpan.FromMinutes(10) });

    /// <summary>
    /// Downloads <paramref name="source"/> (http, https or file) to <paramref name="destination"/>
    /// when its SHA-256 equals <paramref name="expectedSha256"/> (hex); otherwise throws
    /// <see cref="DataFileException"/> with both hashes and leaves no file behind.
    /// </summary>
    public static void VerifiedFile(Uri source, string destination, string expectedSha256)
    {
        if (source.IsFile)
        {
            using var file = File.OpenRead(source.LocalPath);
            VerifiedCopy(file, source.ToString(), destination, expectedSha256);
            return;
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, source);
        using var response = Http.Value.Send(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
            Errors.Data($"{source}: the server answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        using var body = response.Content.ReadAsStream();
        VerifiedCopy(body, source.ToString(), destination, expectedSha256);
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/> if its SHA-256 matches (see <see cref="VerifiedFile"/>).</summary>
    public static void VerifiedCopy(Stream source, string sourceName, string destination, string expectedSha256)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(destination))!;
        Directory.CreateDirectory(folder);
        // Same folder, so the final rename is atomic (same file system) and never copies.
        var temporary = Path.Combine(folder, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.part");
        try
        {
            string actual;
            using (var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var block = new byte[1 << 16];
                int n;
                while ((n = source.Read(block, 0, block.Length)) > 0)
                {
                    hash.AppendData(block, 0, n);
                    output.Write(block, 0, n);
                }
                output.Flush(flushToDisk: true);
                actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
                Errors.Data($"{sourceName}: SHA-256 is {actual} but {expectedSha256} was expected; the download is corrupt or the file changed, so nothing was saved.");
            File.Move(temporary, destination, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
