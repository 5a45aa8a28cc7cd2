using System.CommandLine;
using System.Globalization;
using Fulfilment.Contract;

namespace Fulfilment.Cli.Commands;

/// <summary><c>fulfil risk show|set|clear</c>: a partner's risk rules, partner-wide and per SKU.</summary>
internal static class RiskCommand
{
    public static Command Build()
    {
        var risk = new Command("risk", "A partner's risk rules: limits per buyer and account, pacing, blocklists, review thresholds (docs/risk.md).");

        var showPartner = new Argument<string>("partnerId");
        var show = new Command("show", "The partner's rules as saved: partner-wide, then each SKU's own (hashed entries as hmac:…).") { showPartner };
        show.Runs(async (context, cancellationToken) =>
        {
            var rules = await context.Api.GetAsync<PartnerRiskRules>(RulesPath(context.Result.GetValue(showPartner)!, null), Caller.Ops, cancellationToken);
            await context.WriteAsync(rules, r =>
            [
                "every SKU:", .. Describe(r.Defaults),
                .. r.Skus.SelectMany(s => Describe(s.Rules).Prepend($"SKU {s.Sku}:")),
            ]);
        });
        risk.Subcommands.Add(show);

        var setPartner = new Argument<string>("partnerId");
        var file = new Argument<string>("file") { Description = "The rules as JSON (docs/risk.md), or - for stdin. They replace the rules saved for that scope." };
        var setSku = SkuOption();
        var set = new Command("set", "Replace the partner-wide rules, or one SKU's with --sku. Refused whole, with every problem, when any rule is invalid.") { setPartner, file, setSku };
        set.Runs(async (context, cancellationToken) =>
        {
            var r = context.Result;
            var json = await LocalFile.ReadTextAsync(r.GetValue(file)!, Console.In, cancellationToken);
            await SaveAsync(context, r.GetValue(setPartner)!, r.GetValue(setSku), json, cancellationToken);
        });
        risk.Subcommands.Add(set);

        var clearPartner = new Argument<string>("partnerId");
        var clearSku = SkuOption();
        var clear = new Command("clear", "Remove the partner-wide rules, or one SKU's with --sku (its orders then follow the partner-wide ones).") { clearPartner, clearSku };
        clear.Runs((context, cancellationToken) => SaveAsync(context, context.Result.GetValue(clearPartner)!, context.Result.GetValue(clearSku), "{}", cancellationToken));
        risk.Subcommands.Add(clear);
        return risk;
    }

    private static Option<string?> SkuOption() => new("--sku") { Description = "One SKU's own rules instead of the partner-wide ones." };

    private static async Task SaveAsync(CliContext context, string partnerId, string? sku, string json, CancellationToken cancellationToken)
    {
        var saved = await context.Api.PutJsonAsync<RiskRulesDocument>(RulesPath(partnerId, sku), json, Caller.Ops, cancellationToken);
        await context.WriteAsync(saved, s => Describe(s).Prepend($"Risk rules of {partnerId}{(sku is null ? " for every SKU" : $" for SKU {sku}")} saved:"));
    }

    private static string RulesPath(string partnerId, string? sku) =>
        $"api/ops/partners/{Uri.EscapeDataString(partnerId)}/risk-rules" + (sku is null ? "" : $"/skus/{Uri.EscapeDataString(sku)}");

    /// <summary>One line per rule set, in the words of docs/risk.md.</summary>
    private static IEnumerable<string> Describe(RiskRulesDocument? rules)
    {
        var lines = new List<string>();
        if (rules is null)
        {
            return ["  (none)"];
        }

        if (rules.MaxQuantity is { } max) lines.Add($"  max quantity per order: {max}");
        if (rules.BuyerLimit is { } buyer) lines.Add($"  buyer limit: {buyer.Units} unit(s) per buyer in {Window(buyer.WindowSeconds)}");
        if (rules.BuyerLifetimeLimit is { } lifetime) lines.Add($"  buyer lifetime limit: {lifetime} unit(s)");
        if (rules.AccountLimit is { } account) lines.Add($"  account limit: {account.Times} credit(s) per target account in {Window(account.WindowSeconds)}");
        if (rules.Pacing is { } pacing) lines.Add($"  pacing: {pacing.UnitsPerMinute} unit(s) per minute");
        if (rules.Blocklist is { } blocked)
        {
            foreach (var (name, entries) in new[]
            {
                ("buyer references", blocked.BuyerReferences), ("target accounts", blocked.TargetAccounts), ("e-mails", blocked.Emails),
                ("phones", blocked.Phones), ("IP ranges", blocked.IpRanges),
            })
            {
                if (entries is { Count: > 0 }) lines.Add($"  blocked {name}: {string.Join(", ", entries)}");
            }
        }

        if (rules.Review is { } review)
        {
            if (review.AmountAbove is { } amount) lines.Add($"  review orders above {Money(amount)} {review.Currency}");
            if (review.FirstOrderAmountAbove is { } first) lines.Add($"  review a buyer's first order above {Money(first)} {review.Currency}");
            if (review.RiskScoreAbove is { } score) lines.Add($"  review a risk score above {score}");
        }

        return lines.Count == 0 ? ["  (none)"] : lines;
    }

    private static string Window(int seconds) => TimeSpan.FromSeconds(seconds) switch
    {
        { TotalDays: >= 1 } w when w.TotalDays % 1 == 0 => $"{w.TotalDays:0} d",
        { TotalHours: >= 1 } w when w.TotalHours % 1 == 0 => $"{w.TotalHours:0} h",
        { TotalMinutes: >= 1 } w when w.TotalMinutes % 1 == 0 => $"{w.TotalMinutes:0} min",
        _ => $"{seconds} s",
    };

    private static string Money(decimal amount) => amount.ToString("0.##", CultureInfo.InvariantCulture);
}
