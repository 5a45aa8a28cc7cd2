namespace Fulfilment.Cli;

/// <summary>A small file named on the command line (rules, a public key), or <c>-</c> for stdin: read whole, or a usage error that says why not.</summary>
internal static class LocalFile
{
    private const long MaxBytes = 1024 * 1024;

    public static async Task<string> ReadTextAsync(string path, TextReader stdin, CancellationToken cancellationToken)
    {
        if (path == "-")
        {
            var text = await stdin.ReadToEndAsync(cancellationToken);
            return text.Length <= MaxBytes ? text : throw new CliException(ExitCodes.Usage, $"stdin holds more than {MaxBytes / 1024} KiB; that is not a rules or key file.");
        }

        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new CliException(ExitCodes.Usage, $"No file {file.FullName}.");
        }

        if (file.Length > MaxBytes)
        {
            throw new CliException(ExitCodes.Usage, $"{file.FullName} is larger than {MaxBytes / 1024} KiB; that is not a rules or key file.");
        }

        try
        {
            return await File.ReadAllTextAsync(file.FullName, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Usage, $"Cannot read {file.FullName}: {e.Message}");
        }
    }
}
