using Azure;
using Azure.Data.Tables;
using static Fulfilment.Inventory.InventoryRows;

namespace Fulfilment.Inventory;

/// <summary>
/// One shard's claims and sales on this instance, committed together: every order of the SKU that this instance is
/// fulfilling and that waits on this shard joins the next entity-group transaction, so one conditional write serves
/// many orders (group commit). At most one transaction per shard is in flight on an instance, so the instance's own
/// claims never race each other; instances meet only on the counts' ETag, as before.
/// <para>
/// An iteration takes the sales waiting (reserved → sold, for keys bound to delivered orders) and the claims waiting,
/// oldest first, as many as fit in one transaction; reads the head of the shard's stock queue (a few rows by point
/// reads, more with one range query); and
/// writes keys, reservations and counts conditional on the counts' ETag. The counts this instance wrote last are kept
/// with their new ETag, so a shard only this instance writes is not read again before each transaction; a conflict
/// forgets them and reads afresh. What a claim reserved (batch, cost, expiry) is kept until the key is sold, so a sale
/// does not read its reservation back; a reservation not known here (another instance or an earlier process made it)
/// is read.
/// </para>
/// </summary>
internal sealed class ShardWriter(TableClient table, string sku, int shard, TimeProvider clock, ClaimStatistics statistics, ILogger logger)
{
    private const int MaxActions = 99; // one more for the counts: 100, the most a transaction takes
    private const int ActionsPerClaimedKey = 3;
    private const int ActionsPerVoidedKey = 2;
    private const int ActionsPerSoldKey = 2;
    private const int KeysPerRead = 16;
    private const int KeysPerQuery = 4; // fewer stock rows are read by point reads
    private const int MaxSaleRounds = 100;
    private const int MaxRemembered = 10_000; // reservations whose sale never comes here (taken over by another instance) are forgotten

    private readonly string partition = Partition(sku, shard);
    private readonly Lock gate = new();
    private readonly LinkedList<ClaimRequest> claims = new();
    private readonly LinkedList<SaleRequest> sales = new();
    private readonly Dictionary<string, TableEntity> reservedHere = new();
    private ShardCounts? lastWritten;
    private bool running;

    /// <summary>Claims waiting for this shard, or being committed: how busy it is, for choosing a shard.</summary>
    public int Waiting { get; private set; }

    /// <summary>
    /// Reserves up to <paramref name="wanted"/> keys of this shard for the order, in the next transaction. Fewer (none
    /// if another instance changed the shard first) and the caller tries another shard; says whether the shard is empty.
    /// </summary>
    public Task<(List<KeyRef> Claimed, bool ShardIsEmpty)> ClaimAsync(string orderReference, int wanted, CancellationToken cancellationToken)
    {
        var request = new ClaimRequest(orderReference, wanted);
        lock (gate)
        {
            claims.AddLast(request);
            Waiting++;
        }

        StartIfIdle();
        return request.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Reserved → sold for these keys of the order, in the next transaction. Keys sold before are checked, not sold again.</summary>
    public Task SellAsync(string orderReference, IReadOnlyList<string> keyIds, CancellationToken cancellationToken)
    {
        var request = new SaleRequest(orderReference, keyIds);
        lock (gate)
        {
            sales.AddLast(request);
        }

        StartIfIdle();
        return request.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// The shard was changed outside this writer (these reservations given back, keys voided or imported): its counts
    /// are read again before the next transaction.
    /// </summary>
    public void Forget(string orderReference, IEnumerable<string> keyIds)
    {
        lock (gate)
        {
            lastWritten = null;
            foreach (var keyId in keyIds)
            {
                reservedHere.Remove(ReservationRow(orderReference, keyId));
            }
        }
    }

    private void StartIfIdle()
    {
        lock (gate)
        {
            if (running)
            {
                return;
            }

            running = true;
        }

        _ = Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        while (true)
        {
            List<SaleRequest> salesNow;
            List<ClaimRequest> claimsNow;
            lock (gate)
            {
                if (claims.Count == 0 && sales.Count == 0)
                {
                    running = false;
                    return;
                }

                (salesNow, claimsNow) = TakeWhatFits();
            }

            try
            {
                await CommitAsync(salesNow, claimsNow);
            }
            catch (Exception e)
            {
                // Storage failed: everyone in this transaction fails (their invocations are retried); nothing was written.
                lock (gate)
                {
                    lastWritten = null;
                }

                foreach (var sale in salesNow)
                {
                    sale.Done.TrySetException(e);
                }

                foreach (var claim in claimsNow)
                {
                    Complete(claim, [], false, e);
                }
            }
        }
    }

    /// <summary>Sales first (they finish orders already delivered), then claims oldest first, within one transaction's actions.</summary>
    private (List<SaleRequest>, List<ClaimRequest>) TakeWhatFits()
    {
        var budget = MaxActions;
        var salesNow = new List<SaleRequest>();
        while (sales.First is { } sale && (salesNow.Count == 0 || sale.Value.KeyIds.Count * ActionsPerSoldKey <= budget))
        {
            sales.RemoveFirst();
            salesNow.Add(sale.Value);
            budget -= sale.Value.KeyIds.Count * ActionsPerSoldKey;
        }

        var claimsNow = new List<ClaimRequest>();
        while (claims.First is { } claim && budget >= ActionsPerClaimedKey * Math.Min(claim.Value.Wanted, 2))
        {
            claims.RemoveFirst();
            claim.Value.Budget = Math.Min(claim.Value.Wanted, budget / ActionsPerClaimedKey);
            claimsNow.Add(claim.Value);
            budget -= claim.Value.Budget * ActionsPerClaimedKey;
        }

        return (salesNow, claimsNow);
    }

    private async Task CommitAsync(List<SaleRequest> salesNow, List<ClaimRequest> claimsNow)
    {
        ShardCounts? known;
        lock (gate)
        {
            known = lastWritten;
        }

        // Counts kept from our last write are trusted only for what a conflict would reveal: too little stock in them
        // may just mean keys came in since (an import, keys given back), so then they are read.
        var wanted = claimsNow.Sum(c => c.Budget);
        if (known is not null && known.Available < wanted)
        {
            known = null;
        }

        var fresh = known is null;
        var counts = known ?? await ShardCounts.ReadAsync(table, partition, CancellationToken.None);
        var now = clock.GetUtcNow();
        var actions = new List<TableTransactionAction>();
        var change = ShardCounts.None;
        var sold = new List<string>();

        foreach (var sale in salesNow)
        {
            foreach (var (keyId, reservation) in await ReservationsAsync(sale))
            {
                actions.Add(new(TableTransactionActionType.Delete, reservation, ETag.All));
                actions.Add(new(TableTransactionActionType.UpdateMerge, new TableEntity(partition, KeyRow(keyId))
                {
                    ["State"] = Sold,
                    ["SoldAt"] = now,
                }, ETag.All));
                change += reservation.GetString("UnitCost") is { Length: > 0 } cost
                    ? new ShardCounts(0, -1, 1, 0, 0, decimal.Parse(cost, System.Globalization.CultureInfo.InvariantCulture), 0)
                    : new ShardCounts(0, -1, 1, 0, 0, 0m, 1);
                sold.Add(ReservationRow(sale.OrderReference, keyId));
            }
        }

        var (stock, head, voids) = wanted > 0 && counts.Available > 0
            ? await ReadStockAsync(counts, wanted, MaxActions - actions.Count, now)
            : ([], counts.Head, []);
        foreach (var (seq, keyId) in voids)
        {
            actions.AddRange(CardKeyInventory.VoidActions(partition, seq, keyId, VoidReasons.Expired, now));
            change += VoidReasons.CountsChange(VoidReasons.Expired);
        }

        var reserved = new List<(ClaimRequest Claim, List<KeyRef> Keys)>();
        var next = 0;
        foreach (var claim in claimsNow)
        {
            var keys = new List<KeyRef>();
            for (; keys.Count < claim.Budget && next < stock.Count; next++)
            {
                actions.AddRange(ReserveActions(stock[next], claim.OrderReference, now));
                change += new ShardCounts(-1, 1, 0, 0, 0, 0m, 0);
                keys.Add(new KeyRef(shard, stock[next].GetString("KeyId")));
            }

            reserved.Add((claim, keys));
        }

        if (actions.Count == 0)
        {
            // Nothing left to sell (sold before), and no stock: the claims learn that the shard is empty.
            foreach (var sale in salesNow)
            {
                sale.Done.TrySetResult();
            }

            foreach (var claim in claimsNow)
            {
                Complete(claim, [], counts.Available == 0, null);
            }

            return;
        }

        Response<IReadOnlyList<Response>> committed;
        actions.Add(counts.Write(partition, change, head: head));
        try
        {
            committed = await table.SubmitTransactionAsync(actions, CancellationToken.None);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            // Another instance (or a release here) changed the shard since the counts were read, or a reservation was
            // settled elsewhere. Sales wait for the next round and read their reservations; claims try another shard,
            // unless only the counts kept from the last write were stale: then once more here, from a fresh read.
            statistics.Lost();
            lock (gate)
            {
                lastWritten = null;
                foreach (var sale in salesNow.AsEnumerable().Reverse())
                {
                    sale.Rounds++;
                    sale.ReadReservations = true;
                    if (sale.Rounds >= MaxSaleRounds)
                    {
                        sale.Done.TrySetException(new InvalidOperationException($"Could not sell the keys of {sale.OrderReference} in {partition}; retrying later."));
                        continue;
                    }

                    sales.AddFirst(sale);
                }

                foreach (var claim in claimsNow.AsEnumerable().Reverse())
                {
                    if (fresh)
                    {
                        Complete(claim, [], false, null);
                    }
                    else
                    {
                        claims.AddFirst(claim);
                    }
                }
            }

            return;
        }

        statistics.Won();
        var written = counts + change;
        lock (gate)
        {
            lastWritten = committed.Value[^1].Headers.ETag is { } etag
                ? written with { ETag = etag, Head = head, Tail = counts.Tail }
                : null;
            foreach (var row in sold)
            {
                reservedHere.Remove(row);
            }

            if (reservedHere.Count > MaxRemembered)
            {
                reservedHere.Clear();
            }

            var handed = 0; // the stock rows were handed to the claims in this order
            foreach (var (claim, keys) in reserved)
            {
                foreach (var key in keys)
                {
                    reservedHere[ReservationRow(claim.OrderReference, key.KeyId)] = stock[handed++];
                }
            }
        }

        foreach (var sale in salesNow)
        {
            sale.Done.TrySetResult();
        }

        foreach (var (claim, keys) in reserved)
        {
            Complete(claim, keys, written.Available == 0, null);
        }

        if (voids.Count > 0)
        {
            logger.LogWarning("{Count} expired key(s) of {Sku} met in shard {Shard} were voided, not sold", voids.Count, sku, shard);
        }
    }

    private void Complete(ClaimRequest claim, List<KeyRef> keys, bool shardIsEmpty, Exception? failure)
    {
        lock (gate)
        {
            Waiting--;
        }

        if (failure is null)
        {
            claim.Done.TrySetResult((keys, shardIsEmpty));
        }
        else
        {
            claim.Done.TrySetException(failure);
        }
    }

    /// <summary>
    /// The sale's reservations still standing, as rows to delete: from what this instance reserved, or read. A key
    /// with no reservation was settled before (a retry): it is checked to be sold to this order.
    /// </summary>
    private async Task<List<(string KeyId, TableEntity Reservation)>> ReservationsAsync(SaleRequest sale)
    {
        var found = new List<(string, TableEntity)>();
        var toRead = new List<string>();
        lock (gate)
        {
            foreach (var keyId in sale.KeyIds)
            {
                if (!sale.ReadReservations && reservedHere.TryGetValue(ReservationRow(sale.OrderReference, keyId), out var known))
                {
                    found.Add((keyId, new TableEntity(partition, ReservationRow(sale.OrderReference, keyId))
                    {
                        ["UnitCost"] = known.GetString("UnitCost"),
                    }));
                }
                else
                {
                    toRead.Add(keyId);
                }
            }
        }

        var rows = await Task.WhenAll(toRead.Select(keyId =>
            table.GetEntityIfExistsAsync<TableEntity>(partition, ReservationRow(sale.OrderReference, keyId), cancellationToken: CancellationToken.None)));
        foreach (var (keyId, row) in toRead.Zip(rows))
        {
            if (row.HasValue)
            {
                found.Add((keyId, row.Value!));
            }
            else if (!sale.Verified)
            {
                await VerifySoldAsync(sale.OrderReference, keyId);
            }
        }

        sale.Verified = true;
        return found;
    }

    /// <summary>
    /// Up to <paramref name="wanted"/> keys from the head of the shard's stock queue, oldest first (see
    /// <see cref="ReadStockRowsAsync"/>; never a scan of the shard); gaps (keys voided by ops) are skipped and expired keys are to be voided. Stops within <paramref name="budget"/> actions.
    /// </summary>
    private async Task<(List<TableEntity> Stock, long Head, List<(long Seq, string KeyId)> Voids)> ReadStockAsync(
        ShardCounts counts, int wanted, int budget, DateTimeOffset now)
    {
        var stock = new List<TableEntity>();
        var voids = new List<(long, string)>();
        var head = counts.Head;
        var passedOver = false;
        while (stock.Count < wanted && head < counts.Tail && budget >= ActionsPerClaimedKey)
        {
            // As many rows as keys are still wanted; once gaps or expired keys show up, read ahead more.
            var take = (int)Math.Min(passedOver ? Math.Max(KeysPerRead, wanted - stock.Count) : wanted - stock.Count, counts.Tail - head);
            var rows = await ReadStockRowsAsync(head, take);
            foreach (var row in rows)
            {
                if (stock.Count == wanted || budget < ActionsPerClaimedKey)
                {
                    break;
                }

                var seq = head++;
                if (row is null)
                {
                    passedOver = true;
                }
                else if (row.GetDateTimeOffset("ExpiresAt") <= now)
                {
                    voids.Add((seq, row.GetString("KeyId")));
                    budget -= ActionsPerVoidedKey;
                    passedOver = true;
                }
                else
                {
                    stock.Add(row);
                    budget -= ActionsPerClaimedKey;
                }
            }
        }

        return (stock, head, voids);
    }

    /// <summary>
    /// The stock rows numbered <paramref name="head"/> to <paramref name="head"/> + <paramref name="take"/> − 1, null where
    /// one is gone: a few by point reads in parallel (as cheap as a query, and cheaper than a query in Azurite, which
    /// scans the whole table for one), more by one range query over exactly those numbers (one request for many keys).
    /// </summary>
    private async Task<IReadOnlyList<TableEntity?>> ReadStockRowsAsync(long head, int take)
    {
        if (take < KeysPerQuery)
        {
            return await Task.WhenAll(Enumerable.Range(0, take).Select(async i =>
            {
                var row = await table.GetEntityIfExistsAsync<TableEntity>(partition, AvailableRow(head + i), cancellationToken: CancellationToken.None);
                return row.HasValue ? row.Value : null;
            }));
        }

        var found = new Dictionary<string, TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(
            RangeFilter(partition, AvailableRow(head), AvailableRow(head + take)), maxPerPage: take, cancellationToken: CancellationToken.None))
        {
            found[row.RowKey] = row;
        }

        return Enumerable.Range(0, take).Select(i => found.GetValueOrDefault(AvailableRow(head + i))).ToList();
    }

    private static IEnumerable<TableTransactionAction> ReserveActions(TableEntity inStock, string orderReference, DateTimeOffset now)
    {
        var keyId = inStock.GetString("KeyId");
        yield return new(TableTransactionActionType.Delete, inStock, ETag.All);
        yield return new(TableTransactionActionType.Add, new TableEntity(inStock.PartitionKey, ReservationRow(orderReference, keyId))
        {
            ["ReservedAt"] = now,
            ["BatchId"] = inStock.GetString("BatchId"),
            ["UnitCost"] = inStock.GetString("UnitCost"),
            ["ExpiresAt"] = inStock.GetDateTimeOffset("ExpiresAt"),
        });
        yield return new(TableTransactionActionType.UpdateMerge, new TableEntity(inStock.PartitionKey, KeyRow(keyId))
        {
            ["State"] = Reserved,
            ["OrderReference"] = orderReference,
            ["ReservedAt"] = now,
        }, ETag.All);
    }

    /// <summary>A key bound to a delivered order must be sold to that order; anything else is an alarm for ops.</summary>
    private async Task VerifySoldAsync(string orderReference, string keyId)
    {
        var row = (await table.GetEntityAsync<TableEntity>(partition, KeyRow(keyId), cancellationToken: CancellationToken.None)).Value;
        if (row.GetString("State") != Sold || row.GetString("OrderReference") != orderReference)
        {
            logger.LogCritical(
                "Key {KeyId} of {Sku} is bound to order {OrderReference} but is {State} for {OtherOrder}: check this key by hand",
                keyId, sku, orderReference, row.GetString("State"), row.GetString("OrderReference"));
        }
    }

    private sealed class ClaimRequest(string orderReference, int wanted)
    {
        public string OrderReference { get; } = orderReference;

        public int Wanted { get; } = wanted;

        /// <summary>How many keys this transaction may reserve for it.</summary>
        public int Budget { get; set; }

        public TaskCompletionSource<(List<KeyRef>, bool)> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class SaleRequest(string orderReference, IReadOnlyList<string> keyIds)
    {
        public string OrderReference { get; } = orderReference;

        public IReadOnlyList<string> KeyIds { get; } = keyIds;

        public int Rounds { get; set; }

        /// <summary>A transaction with it failed: its reservations are read rather than taken from memory.</summary>
        public bool ReadReservations { get; set; }

        public bool Verified { get; set; }

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
