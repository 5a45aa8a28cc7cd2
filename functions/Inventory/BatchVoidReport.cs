namespace Fulfilment.Inventory;

/// <summary>What voiding a batch did: keys voided, and keys it could not void because orders hold them right now.</summary>
internal sealed record BatchVoidReport(string Sku, string BatchId, string Reason, int Voided, int Reserved);
