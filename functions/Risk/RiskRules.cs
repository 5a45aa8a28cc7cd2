namespace Fulfilment.Risk;

/// <summary>
/// A shop's risk rules (风控) for one SKU, or its partner-wide defaults: every rule is optional. The rules in force for
/// an order are the SKU's over the partner's defaults (<see cref="Over"/>): a rule the SKU sets replaces the default,
/// and the blocklists of both apply. Blocklisted e-mails, phones and target accounts are kept only as keyed hashes
/// (<see cref="IdentityHashes"/>).
/// </summary>
internal sealed record RiskRules
{
    /// <summary>The most a buyer, or an account, may be counted for: its slots are rows of one counter, read in one page.</summary>
    public const int MaxLimit = 100;

    public const int MaxPacingPerMinute = 6000;

    public const int MaxListEntries = 1000;

    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(366);

    public static readonly RiskRules None = new();

    /// <summary>Units of the SKU one order may ask for (at most the app's own limit).</summary>
    public int? MaxQuantity { get; init; }

    /// <summary>Units of the SKU one buyer reference may have in a rolling window.</summary>
    public WindowLimit? BuyerLimit { get; init; }

    /// <summary>Units of the SKU one buyer reference may have, ever.</summary>
    public int? BuyerLifetimeLimit { get; init; }

    /// <summary>Times one target account may be credited in a rolling window (top-ups and redemptions).</summary>
    public WindowLimit? AccountLimit { get; init; }

    /// <summary>Units of the SKU sold per calendar minute (UTC), across all buyers: a flash sale paced, not swept.</summary>
    public int? PacingPerMinute { get; init; }

    public Blocklists Blocklists { get; init; } = Blocklists.Empty;

    public ReviewThresholds? Review { get; init; }

    public bool IsEmpty => MaxQuantity is null && BuyerLimit is null && BuyerLifetimeLimit is null && AccountLimit is null
        && PacingPerMinute is null && Blocklists.IsEmpty && Review is null;

    /// <summary>These rules (a SKU's) over <paramref name="defaults"/> (the partner's): each rule set here wins; blocklists add up.</summary>
    public RiskRules Over(RiskRules defaults) => new()
    {
        MaxQuantity = MaxQuantity ?? defaults.MaxQuantity,
        BuyerLimit = BuyerLimit ?? defaults.BuyerLimit,
        BuyerLifetimeLimit = BuyerLifetimeLimit ?? defaults.BuyerLifetimeLimit,
        AccountLimit = AccountLimit ?? defaults.AccountLimit,
        PacingPerMinute = PacingPerMinute ?? defaults.PacingPerMinute,
        Blocklists = Blocklists.With(defaults.Blocklists),
        Review = Review ?? defaults.Review,
    };

    /// <summary>What is wrong with these rules (none when they can be saved), for a SKU in <paramref name="currency"/>, or partner-wide (null).</summary>
    public IReadOnlyList<string> Problems(string? currency, int appMaxQuantity)
    {
        var problems = new List<string>();
        if (MaxQuantity is < 1 || MaxQuantity > appMaxQuantity)
        {
            problems.Add($"maxQuantity must be 1-{appMaxQuantity}");
        }

        BuyerLimit?.AddProblems("buyerLimit", problems);
        if (BuyerLifetimeLimit is < 1 || BuyerLifetimeLimit > MaxLimit)
        {
            problems.Add($"buyerLifetimeLimit must be 1-{MaxLimit}");
        }

        AccountLimit?.AddProblems("accountLimit", problems);
        if (PacingPerMinute is < 1 || PacingPerMinute > MaxPacingPerMinute)
        {
            problems.Add($"pacing.unitsPerMinute must be 1-{MaxPacingPerMinute}");
        }

        Blocklists.AddProblems(problems);
        Review?.AddProblems(currency, problems);
        return problems;
    }
}
