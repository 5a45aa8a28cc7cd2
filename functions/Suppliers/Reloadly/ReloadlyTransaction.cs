namespace Fulfilment.Suppliers.Reloadly;

/// <summary>A Reloadly top-up transaction, as <c>POST /topups</c> and the transaction reports answer it (the fields we read).</summary>
internal sealed record ReloadlyTransaction(long? TransactionId, string? Status, string? CustomIdentifier, string? RecipientPhone, long? OperatorId);
