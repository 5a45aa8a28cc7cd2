using System.Net;

namespace Fulfilment.Cli;

/// <summary>What <c>fulfil</c> exits with, so scripts can tell failures apart.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The app refused the request (invalid input, conflict, too many requests).</summary>
    public const int Refused = 1;

    /// <summary>The command line itself is wrong: unknown command, bad or missing option, no credential.</summary>
    public const int Usage = 2;

    /// <summary>The credential was not accepted (401/403).</summary>
    public const int Unauthorized = 3;

    /// <summary>What was asked for does not exist (404).</summary>
    public const int NotFound = 4;

    /// <summary>The app could not be reached or failed (network error, timeout, 5xx).</summary>
    public const int Unavailable = 5;

    public static int For(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => Unauthorized,
        HttpStatusCode.NotFound => NotFound,
        >= HttpStatusCode.InternalServerError => Unavailable,
        _ => Refused,
    };
}

/// <summary>A failure to report on stderr with its exit code; never carries a credential or key material.</summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
