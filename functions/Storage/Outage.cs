using System.Net.Sockets;
using Azure;

namespace Fulfilment.Storage;

/// <summary>
/// Whether a failure says a dependency (storage, Key Vault, the identity endpoint) is unreachable or overloaded right
/// now, rather than that this message or order is wrong. Such failures are waited out, not counted towards poison.
/// </summary>
internal static class Outage
{
    public static bool IsOutage(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        _ when cancellationToken.IsCancellationRequested => false,
        RequestFailedException failed => failed.Status is 0 or 408 or 429 or >= 500,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(e => IsOutage(e, cancellationToken)),
        HttpRequestException or SocketException or IOException or TimeoutException => true,
        OperationCanceledException => true, // a client's own timeout, not our cancellation
        Azure.Identity.AuthenticationFailedException => true,
        _ => exception.InnerException is { } inner && IsOutage(inner, cancellationToken),
    };
}
