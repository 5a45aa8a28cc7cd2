using System.Net;
using System.Net.Sockets;

namespace Fulfilment.Egress;

/// <summary>
/// How the app calls partners and suppliers, whose answers it does not control: no redirects (a 3xx is an answer, not
/// an instruction), headers and bodies read to a small bound, and connections only to public addresses, checked on
/// the address actually connected to (after DNS), so a name that resolves to 127.0.0.1, a private range, a link-local
/// or a cloud metadata address is refused however it is spelled.
/// </summary>
internal static class OutboundHttp
{
    /// <summary>The most of a peer's answer body the app ever holds.</summary>
    public const int MaxResponseBytes = 64 * 1024;

    public static SocketsHttpHandler Handler(bool allowPrivateNetworks) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        MaxResponseHeadersLength = 64, // KiB
        MaxResponseDrainSize = 0, // an unread body is not drained into the pool: the connection is dropped instead
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, allowPrivateNetworks, cancellationToken),
    };

    /// <summary>Why a URL may not be called, or null: http is for local development only.</summary>
    public static string? CheckUrl(Uri url, bool allowPrivateNetworks) =>
        !url.IsAbsoluteUri ? "must be an absolute URL"
        : url.Scheme == Uri.UriSchemeHttps ? null
        : url.Scheme == Uri.UriSchemeHttp && allowPrivateNetworks ? null
        : "must be an https URL";

    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, bool allowPrivateNetworks, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken);
        var allowed = addresses.Where(a => allowPrivateNetworks || IsPublic(a)).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException($"refused to connect to {endpoint.Host}: it is not a public address");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>False for loopback, private, shared, link-local (cloud metadata), multicast, reserved and unspecified addresses.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] is 0 or 10 or 127 or >= 224
                || (b[0] == 100 && b[1] is >= 64 and <= 127) // carrier-grade NAT
                || (b[0] == 169 && b[1] == 254) // link-local, cloud metadata (169.254.169.254)
                || (b[0] == 172 && b[1] is >= 16 and <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2)
                || (b[0] == 198 && b[1] is 18 or 19)
                || (b[0] == 168 && b[1] == 63 && b[2] == 129 && b[3] == 16)); // Azure's platform endpoint
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return !(IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6None) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal
                || address.IsIPv6Multicast || address.IsIPv6UniqueLocal
                || (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) // NAT64: an IPv4 address in disguise
                || (b[0] == 0x20 && b[1] == 0x02)); // 6to4: likewise
        }

        return false;
    }
}
