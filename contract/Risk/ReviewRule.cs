namespace Fulfilment.Contract;

/// <summary>
/// Orders held for review: above <see cref="AmountAbove"/>, a buyer's first order above <see cref="FirstOrderAmountAbove"/>
/// (both in <see cref="Currency"/>, applied to orders in it), or with a partner-supplied <c>riskScore</c> above
/// <see cref="RiskScoreAbove"/>.
/// </summary>
public sealed record ReviewRule(string? Currency = null, decimal? AmountAbove = null, decimal? FirstOrderAmountAbove = null, int? RiskScoreAbove = null);
