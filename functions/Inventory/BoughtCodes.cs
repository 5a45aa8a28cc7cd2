using Azure;
using Azure.Data.Tables;
using Fulfilment.Catalogue;
using Fulfilment.Crypto;
using Fulfilment.Storage;
using static Fulfilment.Inventory.InventoryRows;

namespace Fulfilment.Inventory;

/// <summary>
/// Puts codes bought from a supplier for one order into the SKU's inventory, reserved for that order: each is checked
/// like an imported key (a card key's text; its key id is the keyed fingerprint, so a code already in the inventory is
/// recognised), sealed under a new DEK exactly as an import seals, and written with its reservation and the shard's
/// counts in one conditional transaction. From then on it is an ordinary reserved key: the order binds it, or it goes
/// back to stock. Safe to run again for the same purchase: a code already reserved or sold to this order is kept as it is.
/// </summary>
internal sealed class BoughtCodes(TableServiceClient tables, DataKeyRing dataKeys, CardKeyInventory inventory, TimeProvider clock)
{
    private const int Rounds = 20;
    private readonly TableClient table = tables.GetTableClient(TableNames.CardKeys);

    /// <summary>
    /// The keys of the codes, reserved for the order; or, writing nothing new, why they cannot be: a code that is not a
    /// card key's text, a code sold twice in the purchase, or a code the inventory already holds for something else.
    /// </summary>
    public async Task<(IReadOnlyList<KeyRef> Keys, string? Problem)> ReserveAsync(
        Sku sku, string orderReference, IReadOnlyList<string> codes, string boughtFrom, CancellationToken cancellationToken)
    {
        var fingerprintKey = await dataKeys.GetFingerprintKeyAsync(sku.Id, cancellationToken);
        var cleaned = new List<(string KeyId, string Key)>();
        for (var i = 0; i < codes.Count; i++)
        {
            var (keyId, key, problem) = KeyImport.Identify(sku, codes[i], fingerprintKey);
            if (key is null)
            {
                return ([], $"code {i + 1} of {codes.Count} from {boughtFrom} is not a card key: {problem}");
            }

            cleaned.Add((keyId!, key));
        }

        if (cleaned.DistinctBy(c => c.KeyId).Count() != cleaned.Count)
        {
            return ([], $"{boughtFrom} sold the same code twice in one purchase");
        }

        DataKey? dek = null;
        var reserved = new List<KeyRef>();
        foreach (var shard in cleaned.GroupBy(c => ShardOf(c.KeyId, sku.ShardCount)))
        {
            for (var round = 0; ; round++)
            {
                if (round == Rounds)
                {
                    throw new RetryLaterException($"Could not add the codes bought for {orderReference} to {Partition(sku.Id, shard.Key)}; retrying.");
                }

                var (ours, fresh, problem) = await SortAsync(sku, orderReference, shard.ToList(), cancellationToken);
                if (problem is not null)
                {
                    return ([], problem);
                }

                if (fresh.Count == 0)
                {
                    reserved.AddRange(ours);
                    break;
                }

                dek ??= await dataKeys.CreateAsync(sku.Id, cancellationToken);
                if (await TryWriteAsync(sku, shard.Key, orderReference, fresh, dek, boughtFrom, cancellationToken))
                {
                    reserved.AddRange(ours);
                    reserved.AddRange(fresh.Select(f => new KeyRef(shard.Key, f.KeyId)));
                    break;
                }
            }
        }

        return (reserved, null);
    }

    /// <summary>
    /// The codes of one shard: those already reserved or sold to this order (a retry), those not in the inventory at
    /// all — looked up in every shard an earlier shard count could have put them in — or a problem.
    /// </summary>
    private async Task<(List<KeyRef> Ours, List<(string KeyId, string Key)> Fresh, string? Problem)> SortAsync(
        Sku sku, string orderReference, List<(string KeyId, string Key)> codes, CancellationToken cancellationToken)
    {
        var ours = new List<KeyRef>();
        var fresh = new List<(string, string)>();
        foreach (var code in codes)
        {
            var shards = sku.PastShardCounts.Append(sku.ShardCount).Select(count => ShardOf(code.KeyId, count)).Distinct();
            var found = false;
            foreach (var shard in shards)
            {
                var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition(sku.Id, shard), KeyRow(code.KeyId), cancellationToken: cancellationToken);
                if (!row.HasValue)
                {
                    continue;
                }

                if (row.Value!.GetString("OrderReference") != orderReference || row.Value.GetString("State") is not (Reserved or Sold))
                {
                    return ([], [], $"a code bought is already in the inventory of {sku.Id} as key {code.KeyId} ({row.Value.GetString("State")}): it is never delivered twice");
                }

                ours.Add(new KeyRef(shard, code.KeyId));
                found = true;
                break;
            }

            if (!found)
            {
                fresh.Add(code);
            }
        }

        return (ours, fresh, null);
    }

    /// <summary>The codes' rows, their reservations and the shard's counts in one transaction; false if the shard changed meanwhile.</summary>
    private async Task<bool> TryWriteAsync(
        Sku sku, int shard, string orderReference, List<(string KeyId, string Key)> codes, DataKey dek, string boughtFrom, CancellationToken cancellationToken)
    {
        var partition = Partition(sku.Id, shard);
        var counts = await ShardCounts.ReadAsync(table, partition, cancellationToken);
        var now = clock.GetUtcNow();
        var unitCost = sku.UnitCost?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var actions = new List<TableTransactionAction>();
        foreach (var (keyId, key) in codes)
        {
            var row = KeyImport.SealedKeyRow(sku.Id, partition, keyId, key, dek, now);
            row["State"] = Reserved;
            row["BoughtFrom"] = boughtFrom;
            row["OrderReference"] = orderReference;
            row["ReservedAt"] = now;
            actions.Add(new(TableTransactionActionType.Add, row));
            actions.Add(new(TableTransactionActionType.Add, new TableEntity(partition, ReservationRow(orderReference, keyId))
            {
                ["ReservedAt"] = now,
                ["UnitCost"] = unitCost,
            }));
        }

        actions.Add(counts.Write(partition, new ShardCounts(0, codes.Count, 0, 0, 0, 0m, 0)));
        try
        {
            await table.SubmitTransactionAsync(actions, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false; // a claim changed the counts, or a concurrent attempt added these codes: look again
        }
        finally
        {
            inventory.ForgetCounts(sku.Id, shard);
        }
    }
}
