namespace Fulfilment.Contract;

/// <summary>A SKU's import batches, oldest first.</summary>
public sealed record KeyBatchList(string Sku, IReadOnlyList<KeyBatch> Batches);
