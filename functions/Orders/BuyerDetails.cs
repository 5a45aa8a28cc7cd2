using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Fulfilment.Risk;
using Fulfilment.Serialization;

namespace Fulfilment.Orders;

/// <summary>
/// What the partner may pass about the buyer for its risk rules, with an order or a payment: <c>buyerEmail</c>,
/// <c>buyerPhone</c>, <c>buyerIp</c> and <c>riskScore</c> (0-100), all optional. In memory only, as received: the order
/// keeps keyed hashes of the e-mail and phone (<see cref="BuyerSignals"/>), never these.
/// </summary>
internal sealed record BuyerDetails(string? Email, string? Phone, string? Ip, int? RiskScore)
{
    public static readonly BuyerDetails None = new(null, null, null, null);

    public static readonly string[] Fields = ["buyerEmail", "buyerPhone", "buyerIp", "riskScore"];

    /// <summary>Reads the optional fields from <paramref name="parent"/>; every value that is present must be valid.</summary>
    public static BuyerDetails Read(JsonElement parent, string path, List<string> problems)
    {
        var email = StrictJson.Text(parent, path, "buyerEmail", problems, required: false);
        if (email is not null && !IdentityHashes.IsEmail(email))
        {
            problems.Add($"{path}buyerEmail, when present, must be an e-mail address");
        }

        var phone = StrictJson.Text(parent, path, "buyerPhone", problems, required: false);
        if (phone is not null && !IdentityHashes.IsPhone(phone))
        {
            problems.Add($"{path}buyerPhone, when present, must be a phone number of 5-15 digits");
        }

        var ip = StrictJson.Text(parent, path, "buyerIp", problems, required: false);
        if (ip is not null && !IsIpAddress(ip))
        {
            problems.Add($"{path}buyerIp, when present, must be an IPv4 address in dotted decimal or an IPv6 address");
        }

        int? score = null;
        if (parent.TryGetProperty("riskScore", out var s) && s.ValueKind != JsonValueKind.Null)
        {
            if (s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out var value) && value is >= 0 and <= ReviewThresholds.MaxRiskScore)
            {
                score = value;
            }
            else
            {
                problems.Add($"{path}riskScore, when present, must be a whole number from 0 to {ReviewThresholds.MaxRiskScore}");
            }
        }

        return new BuyerDetails(email, phone, ip, score);
    }

    /// <summary>Exactly an address: four dotted decimal parts for IPv4 (not "1" or "1.2", which the parser also takes), or IPv6.</summary>
    public static bool IsIpAddress(string text) =>
        text.Length <= 45 && IPAddress.TryParse(text, out var address)
        && (address.AddressFamily == AddressFamily.InterNetworkV6 ? text.Contains(':') : text.Split('.').Length == 4 && text.All(c => char.IsAsciiDigit(c) || c == '.'));
}
