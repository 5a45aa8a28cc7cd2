namespace Fulfilment.Delivery;

/// <summary>What one sweep did.</summary>
internal sealed record SweepResult(int Candidates, int Requeued, int GaveUp, int Cleared);
