using System.Net;
using Fulfilment.Catalogue;
using Fulfilment.Contract;
using Fulfilment.Orders;
using Fulfilment.Risk;

namespace Fulfilment.Http;

/// <summary>
/// Risk rules between the ops API's documents and the app's <see cref="RiskRules"/>: every problem of a document is
/// found (so none is saved half right); e-mails, phones and target accounts are hashed on the way in and shown only as
/// their hashes on the way out.
/// </summary>
internal static class RiskRulesDocuments
{
    /// <summary>The rules, or every problem; <paramref name="sku"/> is null for the partner's defaults.</summary>
    public static (RiskRules? Rules, IReadOnlyList<string> Problems) Read(RiskRulesDocument document, Catalogue.Sku? sku, IdentityHashes hashes)
    {
        var problems = new List<string>();
        var blocklist = document.Blocklist ?? new BlocklistRule();
        var buyers = Entries(blocklist.BuyerReferences, "buyerReferences", v => v.Length is > 0 and <= OrderRequest.MaxReferenceLength, v => v, problems);
        var accounts = Entries(blocklist.TargetAccounts, "targetAccounts", v => IdentityHashes.IsHash(v) || v.Trim().Length is > 0 and <= OrderRequest.MaxReferenceLength,
            v => IdentityHashes.IsHash(v) ? v : hashes.TargetAccount(v), problems);
        var emails = Entries(blocklist.Emails, "emails", v => IdentityHashes.IsHash(v) || IdentityHashes.IsEmail(v), v => IdentityHashes.IsHash(v) ? v : hashes.Email(v), problems);
        var phones = Entries(blocklist.Phones, "phones", v => IdentityHashes.IsHash(v) || IdentityHashes.IsPhone(v), v => IdentityHashes.IsHash(v) ? v : hashes.Phone(v), problems);
        var ranges = Entries(blocklist.IpRanges, "ipRanges", IsRange, Range, problems);
        var review = document.Review;
        if (review is not null && review.Currency is { } currency)
        {
            if (!CurrencyCode.IsValid(currency))
            {
                problems.Add("review.currency must be a three-letter ISO 4217 code");
            }
            else if ((review.AmountAbove is { } a && !Money.IsExact(a, currency)) || (review.FirstOrderAmountAbove is { } f && !Money.IsExact(f, currency)))
            {
                problems.Add($"review amounts must have at most {Money.MinorUnits(currency)} decimals in {currency}");
            }
        }

        var rules = new RiskRules
        {
            MaxQuantity = document.MaxQuantity,
            BuyerLimit = document.BuyerLimit is { } b ? new WindowLimit(b.Units, TimeSpan.FromSeconds(b.WindowSeconds)) : null,
            BuyerLifetimeLimit = document.BuyerLifetimeLimit,
            AccountLimit = document.AccountLimit is { } l ? new WindowLimit(l.Times, TimeSpan.FromSeconds(l.WindowSeconds)) : null,
            PacingPerMinute = document.Pacing?.UnitsPerMinute,
            Blocklists = new Blocklists(buyers, accounts, emails, phones, ranges),
            Review = review is null ? null : new ReviewThresholds(review.Currency, review.AmountAbove, review.FirstOrderAmountAbove, review.RiskScoreAbove),
        };
        problems.AddRange(rules.Problems(sku?.Currency, OrderRequest.MaxQuantity));
        if (sku is not null && sku.Kind == SkuKind.CardKey && rules.AccountLimit is not null)
        {
            problems.Add("accountLimit is for top-ups and redemptions: card-key orders have no target account");
        }

        return problems.Count > 0 ? (null, problems) : (rules, problems);
    }

    public static RiskRulesDocument Write(RiskRules rules) => new(
        rules.MaxQuantity,
        rules.BuyerLimit is { } b ? new BuyerLimitRule(b.Count, (int)b.Window.TotalSeconds) : null,
        rules.BuyerLifetimeLimit,
        rules.AccountLimit is { } a ? new AccountLimitRule(a.Count, (int)a.Window.TotalSeconds) : null,
        rules.PacingPerMinute is { } p ? new PacingRule(p) : null,
        rules.Blocklists.IsEmpty ? null : new BlocklistRule(rules.Blocklists.BuyerReferences, rules.Blocklists.TargetAccountHashes, rules.Blocklists.EmailHashes,
            rules.Blocklists.PhoneHashes, rules.Blocklists.IpRanges),
        rules.Review is { } r ? new ReviewRule(r.Currency, r.AmountAbove, r.FirstOrderAmountAbove, r.RiskScoreAbove) : null);

    private static List<string> Entries(IReadOnlyList<string>? given, string name, Func<string, bool> isValid, Func<string, string> keep, List<string> problems)
    {
        var kept = new List<string>();
        foreach (var (value, index) in (given ?? []).Select((v, i) => (v, i)))
        {
            if (value is null || !isValid(value))
            {
                problems.Add($"blocklist.{name}[{index}] is not valid");
                continue;
            }

            kept.Add(keep(value));
        }

        return [.. kept.Distinct()];
    }

    /// <summary>A CIDR range (<c>203.0.113.0/24</c>, <c>2001:db8::/32</c>) with no bits set past its prefix, or one address.</summary>
    private static bool IsRange(string value) =>
        value.Contains('/')
            ? BuyerDetails.IsIpAddress(value[..value.IndexOf('/')]) && IPNetwork.TryParse(value, out var network)
                && network.BaseAddress.Equals(IPAddress.Parse(value[..value.IndexOf('/')])) // 10.0.0.1/8 is a typo, not 10.0.0.0/8
            : BuyerDetails.IsIpAddress(value);

    private static string Range(string value) => value.Contains('/')
        ? IPNetwork.Parse(value).ToString()
        : IPAddress.Parse(value) is var address && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? $"{address}/32" : $"{address}/128";
}
