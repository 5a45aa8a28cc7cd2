using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Fulfilment.Storage;

namespace Fulfilment.Risk;

/// <summary>
/// Exact counts for risk limits, under any number of instances and with nothing in memory: a limit of N is N slot rows
/// of one counter (a buyer's units of a SKU, an account's credits, a SKU's minute), and an order that goes ahead takes
/// one slot per unit it counts for, in one entity-group transaction with every other limit of that counter. A slot is
/// taken by inserting its row, or by replacing a free one conditionally on its ETag, so two orders can never hold one
/// slot, and <c>N + 1</c> units can never be held at once. A slot frees up when its window has passed, when the order
/// gives it back (refused, cancelled, refunded), or — found only when the limit would otherwise refuse — when the order
/// that holds it no longer counts (<see cref="SlotHolder"/>), say after a crash between counting and writing the order.
/// Slots name their order, so a repeated attempt (a duplicate notification) finds its own and never counts twice.
/// <para>
/// Counters of one kind share <see cref="Buckets"/> partitions (a SKU's minute has its own), each counter a range of
/// row keys in its bucket, so the slots of concurrent orders of different buyers go in one transaction
/// (<see cref="TransactionBatcher"/>) instead of one each.
/// </para>
/// </summary>
internal sealed class RiskCounters(TableServiceClient tables, TimeProvider clock)
{
    /// <summary>How old a slot must be before its order is asked whether it still counts: the time an attempt may take between counting and writing its order.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Partitions per kind of counter (buyers', accounts', first orders'): few, so concurrent orders share transactions
    /// (one for about two orders at 200 orders/s), yet 4 × 2,000 entities a second, more than a storage account's 20,000
    /// leave for counters. Changing it moves every counter: the counts start again from zero.
    /// </summary>
    public const int Buckets = 4;

    private const int MaxAttempts = 40;
    private readonly TableClient table = tables.GetTableClient(TableNames.RiskCounts);
    private readonly TransactionBatcher batcher = new(tables.GetTableClient(TableNames.RiskCounts));

    /// <summary>Asks the order book what became of a slot's order.</summary>
    public delegate Task<SlotHolder> HolderCheck(string partnerId, string orderId, CancellationToken cancellationToken);

    /// <summary>Where an order tries first among <paramref name="capacity"/> slots shared by many orders (a SKU's minute): spread, and the same on every attempt.</summary>
    public static int SpreadSlot(string partnerId, string orderId, int capacity) => (int)(Hashed($"{partnerId}|{orderId}") % (uint)capacity);

    /// <summary>The same number for the same text on every instance.</summary>
    private static uint Hashed(string text) => BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// Takes the order's slots of every limit of <paramref name="counter"/> (a <see cref="RiskCounterKeys"/> key) at
    /// once: null when taken (or held by it already), else the first limit it does not fit in, and nothing is taken.
    /// </summary>
    public async Task<SlotShortage?> TakeAsync(
        string counter, string partnerId, string orderId, IReadOnlyList<CounterSlots> limits, HolderCheck holders, CancellationToken cancellationToken)
    {
        var at = Locate(counter);
        // First try: insert the order's own first slots, which for a new buyer is all it costs.
        var actions = limits.SelectMany(limit => Enumerable.Range(0, Math.Min(limit.Units, limit.Capacity))
            .Select(i => new TableTransactionAction(TableTransactionActionType.Add, NewSlot(at, limit.Family, (limit.FirstSlot + i) % limit.Capacity, partnerId, orderId))))
            .ToList();
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if (attempt > 0 || limits.Any(limit => limit.Units > limit.Capacity))
            {
                var (plan, shortage) = await PlanAsync(at, partnerId, orderId, limits, holders, cancellationToken);
                if (shortage is not null || plan.Count == 0)
                {
                    return shortage; // null with nothing to do: the order holds its slots already
                }

                actions = plan;
            }

            try
            {
                await batcher.SubmitAsync(at.Partition, actions, cancellationToken);
                return null;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
            {
                // Another order took one of those slots first: look again.
            }
        }

        throw new RequestFailedException(503, $"Risk counter {counter}: still contended after {MaxAttempts} attempts; try again.");
    }

    /// <summary>Whether the units would fit now, taking nothing: null if they would, else the limit they exceed.</summary>
    public async Task<SlotShortage?> CheckAsync(string counter, IReadOnlyList<CounterSlots> limits, HolderCheck holders, CancellationToken cancellationToken)
    {
        var (_, shortage) = await PlanAsync(Locate(counter), partnerId: "", orderId: "", limits, holders, cancellationToken);
        return shortage;
    }

    /// <summary>Gives back every slot the order holds of <paramref name="counter"/> (none held: nothing to do).</summary>
    public async Task GiveBackAsync(string counter, string partnerId, string orderId, CancellationToken cancellationToken)
    {
        var filter = RowsOf(Locate(counter)) + " and " + TableClient.CreateQueryFilter($"PartnerId eq {partnerId} and OrderId eq {orderId}");
        var held = new List<TableTransactionAction>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            held.Add(new TableTransactionAction(TableTransactionActionType.Delete, row, row.ETag));
        }

        foreach (var chunk in held.Chunk(100))
        {
            try
            {
                await table.SubmitTransactionAsync(chunk, cancellationToken);
            }
            catch (TableTransactionFailedException e) when (e.Status is 404 or 412)
            {
                // Freed meanwhile (its window passed and another order took it): nothing of ours to give back.
            }
        }
    }

    /// <summary>
    /// The slots to take (inserts of absent slots, conditional replacements of free ones), or the first limit that has
    /// too few free slots; an empty plan and no shortage when the order already holds all it needs.
    /// </summary>
    private async Task<(List<TableTransactionAction> Plan, SlotShortage? Shortage)> PlanAsync(
        CounterRows at, string partnerId, string orderId, IReadOnlyList<CounterSlots> limits, HolderCheck holders, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(RowsOf(at), cancellationToken: cancellationToken))
        {
            rows[row.RowKey] = row;
        }

        var now = clock.GetUtcNow();
        var plan = new List<TableTransactionAction>();
        foreach (var limit in limits)
        {
            var slots = Enumerable.Range(0, limit.Capacity).Select(i => (Index: i, Row: rows.GetValueOrDefault(at.SlotKey(limit.Family, i)))).ToList();
            var own = slots.Count(s => s.Row is { } row && row.GetString("PartnerId") == partnerId && row.GetString("OrderId") == orderId && IsLive(row, limit, now));
            var needed = limit.Units - own;
            if (needed <= 0)
            {
                continue;
            }

            var free = slots.Where(s => s.Row is null || !IsLive(s.Row, limit, now)).ToList();
            if (free.Count < needed)
            {
                // Only now, when the limit would refuse: slots whose orders no longer count are free too.
                foreach (var (index, row) in slots.Where(s => s.Row is { } row && IsLive(row, limit, now) && row.GetBoolean("Settled") != true && row.GetDateTimeOffset("TakenAt") < now - Grace))
                {
                    var holder = await holders(row!.GetString("PartnerId"), row.GetString("OrderId"), cancellationToken);
                    if (holder == SlotHolder.NotCounting)
                    {
                        free.Add((index, row));
                        if (free.Count >= needed)
                        {
                            break;
                        }
                    }
                    else if (holder == SlotHolder.Settled)
                    {
                        await MarkSettledAsync(row, cancellationToken);
                    }
                }
            }

            if (free.Count < needed)
            {
                // The live slots leave the window oldest first: enough have left once the (needed - free)-th has.
                DateTimeOffset? freesAt = limit.Window is { } window && needed <= limit.Capacity
                    ? slots.Where(s => s.Row is { } row && IsLive(row, limit, now) && !free.Contains(s))
                        .Select(s => (DateTimeOffset?)(s.Row!.GetDateTimeOffset("TakenAt")!.Value + window)).Order().Skip(needed - free.Count - 1).FirstOrDefault()
                    : null;
                return ([], new SlotShortage(limit, limit.Capacity - free.Count, freesAt));
            }

            foreach (var (index, row) in free.OrderBy(_ => Random.Shared.Next()).Take(needed))
            {
                var slot = NewSlot(at, limit.Family, index, partnerId, orderId);
                plan.Add(row is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, slot)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, slot, row.ETag));
            }
        }

        return (plan, null);
    }

    private async Task MarkSettledAsync(TableEntity row, CancellationToken cancellationToken)
    {
        try
        {
            await table.UpdateEntityAsync(new TableEntity(row.PartitionKey, row.RowKey) { ["Settled"] = true }, row.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Given back or taken again meanwhile: it is asked about next time.
        }
    }

    private static bool IsLive(TableEntity row, CounterSlots limit, DateTimeOffset now) =>
        limit.Window is not { } window || row.GetDateTimeOffset("TakenAt") + window > now;

    private TableEntity NewSlot(CounterRows at, char family, int index, string partnerId, string orderId) => new(at.Partition, at.SlotKey(family, index))
    {
        ["PartnerId"] = partnerId,
        ["OrderId"] = orderId,
        ["TakenAt"] = clock.GetUtcNow(),
    };

    /// <summary>
    /// Where a counter's slots are: a SKU's minute in a partition of its own (every buyer of a flash sale shares it);
    /// any other counter under its key in one of <see cref="Buckets"/> partitions of its kind, chosen by its key's hash.
    /// </summary>
    private static CounterRows Locate(string counter) =>
        RiskCounterKeys.IsShared(counter)
            ? new CounterRows(counter, "")
            : new CounterRows($"{RiskCounterKeys.KindOf(counter)}|{Hashed(counter) % Buckets:D2}", counter + "|");

    /// <summary>The query filter of a counter's rows: its partition, and in a bucket, its range of row keys.</summary>
    private static string RowsOf(CounterRows at) => at.Prefix.Length == 0
        ? TableClient.CreateQueryFilter($"PartitionKey eq {at.Partition}")
        : TableClient.CreateQueryFilter($"PartitionKey eq {at.Partition} and RowKey ge {at.Prefix} and RowKey lt {at.Prefix[..^1] + "}"}");

    /// <summary>A counter's partition, and the prefix of its slots' row keys there.</summary>
    private sealed record CounterRows(string Partition, string Prefix)
    {
        public string SlotKey(char family, int index) => $"{Prefix}{family}{index:D5}";
    }
}
