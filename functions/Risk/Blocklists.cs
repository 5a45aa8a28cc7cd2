using System.Net;

namespace Fulfilment.Risk;

/// <summary>
/// Who may not buy: buyer references and IP ranges as given, target accounts, e-mails and phones as keyed hashes only.
/// </summary>
internal sealed record Blocklists(
    IReadOnlyList<string> BuyerReferences, IReadOnlyList<string> TargetAccountHashes, IReadOnlyList<string> EmailHashes,
    IReadOnlyList<string> PhoneHashes, IReadOnlyList<string> IpRanges)
{
    public static readonly Blocklists Empty = new([], [], [], [], []);

    private IPNetwork[]? networks; // the ranges parsed once, on the first match (they were checked when saved)

    public bool IsEmpty => BuyerReferences.Count + TargetAccountHashes.Count + EmailHashes.Count + PhoneHashes.Count + IpRanges.Count == 0;

    public Blocklists With(Blocklists other) => new(
        [.. BuyerReferences.Union(other.BuyerReferences)], [.. TargetAccountHashes.Union(other.TargetAccountHashes)],
        [.. EmailHashes.Union(other.EmailHashes)], [.. PhoneHashes.Union(other.PhoneHashes)], [.. IpRanges.Union(other.IpRanges)]);

    /// <summary>The blocklist the purchase is on (what matched, for the trace), or null.</summary>
    public string? Match(string buyerReference, string? targetAccountHash, string? emailHash, string? phoneHash, IPAddress? ip)
    {
        if (BuyerReferences.Contains(buyerReference)) return "buyer reference on the blocklist";
        if (targetAccountHash is not null && TargetAccountHashes.Contains(targetAccountHash)) return "target account on the blocklist";
        if (emailHash is not null && EmailHashes.Contains(emailHash)) return "buyer e-mail on the blocklist";
        if (phoneHash is not null && PhoneHashes.Contains(phoneHash)) return "buyer phone on the blocklist";
        if (ip is not null && IpRanges.Count > 0)
        {
            networks ??= [.. IpRanges.Select(IPNetwork.Parse)];
            var address = ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;
            var hit = Array.FindIndex(networks, network => network.Contains(address));
            if (hit >= 0)
            {
                return $"buyer IP in blocked range {IpRanges[hit]}";
            }
        }

        return null;
    }

    public void AddProblems(List<string> problems)
    {
        foreach (var (name, list) in new[] { ("buyerReferences", BuyerReferences), ("targetAccounts", TargetAccountHashes), ("emails", EmailHashes), ("phones", PhoneHashes), ("ipRanges", IpRanges) })
        {
            if (list.Count > RiskRules.MaxListEntries)
            {
                problems.Add($"blocklist.{name} may hold at most {RiskRules.MaxListEntries} entries");
            }
        }
    }
}
