namespace Fulfilment.Contract;

/// <summary>
/// What an upload of card keys did: how many lines it received and imported into which batch, each rejected line with
/// its reason, and how many orders waiting for stock were released once the keys were in. <see cref="Error"/> says why
/// the upload stopped early (the keys before it were imported).
/// </summary>
public sealed record ImportReport(
    string Sku, string BatchId, int Received, int Imported, IReadOnlyList<ImportRejection> Rejected, int OrdersReleased, string? Error = null);
