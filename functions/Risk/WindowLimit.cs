namespace Fulfilment.Risk;

/// <summary>At most <see cref="Count"/> in any <see cref="Window"/> (a rolling window).</summary>
internal sealed record WindowLimit(int Count, TimeSpan Window)
{
    public void AddProblems(string name, List<string> problems)
    {
        if (Count is < 1 or > RiskRules.MaxLimit)
        {
            problems.Add($"{name} must allow 1-{RiskRules.MaxLimit}");
        }

        if (Window < TimeSpan.FromSeconds(1) || Window > RiskRules.MaxWindow)
        {
            problems.Add($"{name}.windowSeconds must be 1-{(int)RiskRules.MaxWindow.TotalSeconds}");
        }
    }
}
