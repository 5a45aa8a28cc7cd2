namespace Fulfilment.Risk;

/// <summary>
/// Orders that go to review rather than straight to fulfilment: above an amount, a buyer's first order above an amount
/// (both in <see cref="Currency"/>: they apply to orders in that currency), or with a partner-supplied risk score above a
/// threshold (0-100).
/// </summary>
internal sealed record ReviewThresholds(string? Currency, decimal? AmountAbove, decimal? FirstOrderAmountAbove, int? RiskScoreAbove)
{
    public const int MaxRiskScore = 100;

    public void AddProblems(string? skuCurrency, List<string> problems)
    {
        if (AmountAbove is null && FirstOrderAmountAbove is null && RiskScoreAbove is null)
        {
            problems.Add("review must set amountAbove, firstOrderAmountAbove or riskScoreAbove");
        }

        if ((AmountAbove ?? FirstOrderAmountAbove) is not null)
        {
            if (Currency is null)
            {
                problems.Add("review.currency is required with an amount");
            }
            else if (skuCurrency is not null && Currency != skuCurrency)
            {
                problems.Add($"review.currency must be the SKU's currency, {skuCurrency}");
            }
        }

        if (AmountAbove is < 0 || FirstOrderAmountAbove is < 0)
        {
            problems.Add("review amounts must not be negative");
        }

        if (RiskScoreAbove is < 0 or >= MaxRiskScore)
        {
            problems.Add($"review.riskScoreAbove must be 0-{MaxRiskScore - 1}");
        }
    }
}
