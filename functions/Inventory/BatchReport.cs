namespace Fulfilment.Inventory;

/// <summary>A batch with its keys by state (void includes the expired ones), as ops see it.</summary>
internal sealed record BatchReport(KeyBatch Batch, bool Expired, int Available, int Reserved, int Sold, int Void);
