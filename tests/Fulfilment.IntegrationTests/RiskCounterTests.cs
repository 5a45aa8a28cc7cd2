using Fulfilment.Risk;
using Fulfilment.Storage;

namespace Fulfilment.IntegrationTests;

/// <summary>The exact counters under the risk limits, against Azurite, with time moved by the test: the N-th and N+1-th unit, the window's edge, concurrency, give-back and orders that no longer count.</summary>
[Collection(StorageCollection.Name)]
public sealed class RiskCounterTests(StorageFixture storage)
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(24);

    private static RiskCounters.HolderCheck Counting => (_, _, _) => Task.FromResult(SlotHolder.Counting);

    private async Task<RiskCounters> CountersAsync(TimeProvider clock)
    {
        await storage.Tables.GetTableClient(TableNames.RiskCounts).CreateIfNotExistsAsync();
        return new RiskCounters(storage.Tables, clock);
    }

    [Fact]
    public async Task The_limit_admits_the_Nth_unit_refuses_the_next_and_admits_it_again_exactly_when_the_window_has_passed()
    {
        var clock = new ShiftedClock();
        var counters = await CountersAsync(clock);
        var buyer = "buyer|" + Guid.NewGuid().ToString("N");
        CounterSlots Units(int n) => new('w', 2, Window, n);

        Assert.Null(await counters.TakeAsync(buyer, "p", "o-1", [Units(1)], Counting, default));
        clock.Offset = TimeSpan.FromHours(1);
        Assert.Null(await counters.TakeAsync(buyer, "p", "o-2", [Units(1)], Counting, default)); // the 2nd unit: at the limit
        var refused = await counters.TakeAsync(buyer, "p", "o-3", [Units(1)], Counting, default); // the 3rd
        Assert.NotNull(refused);
        Assert.Equal(2, refused.InUse);
        var firstTaken = refused.FreesAt!.Value - Window;

        clock.Offset = firstTaken + Window - DateTimeOffset.UtcNow - TimeSpan.FromSeconds(1); // a second before the first unit leaves the window
        Assert.NotNull(await counters.TakeAsync(buyer, "p", "o-3", [Units(1)], Counting, default));
        Assert.NotNull(await counters.CheckAsync(buyer, [Units(1)], Counting, default));

        clock.Offset = firstTaken + Window - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(50); // just past it
        Assert.Null(await counters.CheckAsync(buyer, [Units(1)], Counting, default));
        Assert.Null(await counters.TakeAsync(buyer, "p", "o-3", [Units(1)], Counting, default));
        Assert.NotNull(await counters.TakeAsync(buyer, "p", "o-4", [Units(1)], Counting, default)); // o-2 and o-3 hold the window now
    }

    [Fact]
    public async Task An_order_of_several_units_takes_them_all_or_none_and_a_lifetime_limit_never_frees_by_time()
    {
        var clock = new ShiftedClock();
        var counters = await CountersAsync(clock);
        var buyer = "buyer|" + Guid.NewGuid().ToString("N");
        IReadOnlyList<CounterSlots> Limits(int n) => [new('w', 5, Window, n), new('l', 3, null, n)];

        Assert.Null(await counters.TakeAsync(buyer, "p", "o-1", Limits(2), Counting, default));
        var refused = await counters.TakeAsync(buyer, "p", "o-2", Limits(2), Counting, default); // 4 of a lifetime 3
        Assert.Equal(('l', 2), (refused!.Slots.Family, refused.InUse));
        Assert.Null(refused.FreesAt);
        Assert.Null(await counters.TakeAsync(buyer, "p", "o-3", Limits(1), Counting, default)); // nothing of o-2 was kept: 3 of 3

        clock.Offset = TimeSpan.FromDays(400);
        Assert.NotNull(await counters.TakeAsync(buyer, "p", "o-4", Limits(1), Counting, default)); // the window passed, the lifetime did not

        await counters.GiveBackAsync(buyer, "p", "o-1", default);
        Assert.Null(await counters.TakeAsync(buyer, "p", "o-4", Limits(2), Counting, default)); // o-1's two units given back
    }

    [Fact]
    public async Task A_repeated_attempt_of_an_order_finds_its_own_slots_and_never_counts_twice()
    {
        var counters = await CountersAsync(TimeProvider.System);
        var pace = "pace|" + Guid.NewGuid().ToString("N");
        var limit = new CounterSlots('p', 3, null, 1, RiskCounters.SpreadSlot("p", "o-1", 3));

        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => counters.TakeAsync(pace, "p", "o-1", [limit], Counting, default)));
        Assert.Null(await counters.TakeAsync(pace, "p", "o-2", [limit with { FirstSlot = RiskCounters.SpreadSlot("p", "o-2", 3) }], Counting, default));
        Assert.Null(await counters.TakeAsync(pace, "p", "o-3", [limit with { FirstSlot = RiskCounters.SpreadSlot("p", "o-3", 3) }], Counting, default));
        Assert.NotNull(await counters.TakeAsync(pace, "p", "o-4", [limit], Counting, default));
    }

    [Fact]
    public async Task Concurrent_orders_against_a_limit_of_two_let_exactly_two_through()
    {
        var counters = await CountersAsync(TimeProvider.System);
        var buyer = "buyer|" + Guid.NewGuid().ToString("N");
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            counters.TakeAsync(buyer, "p", $"o-{i}", [new CounterSlots('w', 2, Window, 1)], Counting, default)));
        Assert.Equal(2, outcomes.Count(o => o is null));
    }

    [Fact]
    public async Task Counters_sharing_partitions_stay_apart_and_one_order_refused_in_a_shared_transaction_refuses_no_other()
    {
        var counters = await CountersAsync(TimeProvider.System);
        var buyers = Enumerable.Range(0, 40).Select(_ => "buyer|" + Guid.NewGuid().ToString("N")).ToList(); // 40 counters in 4 partitions
        var limit = new CounterSlots('w', 1, Window, 1);
        Assert.Null(await counters.TakeAsync(buyers[0], "p", "earlier", [limit], Counting, default));

        // All at once: the slots of several buyers go in one transaction, and buyer 0's (already full) conflicts in it.
        var outcomes = await Task.WhenAll(buyers.Select((buyer, i) => counters.TakeAsync(buyer, "p", $"o-{i}", [limit], Counting, default)));
        Assert.NotNull(outcomes[0]);
        Assert.All(outcomes.Skip(1), Assert.Null);

        // A give-back frees that counter's slot only.
        await counters.GiveBackAsync(buyers[5], "p", "o-5", default);
        Assert.Null(await counters.TakeAsync(buyers[5], "p", "again-5", [limit], Counting, default));
        Assert.All(buyers.Where((_, i) => i != 5), buyer => Assert.NotNull(counters.CheckAsync(buyer, [limit], Counting, default).Result));
        var partitions = storage.Tables.GetTableClient(TableNames.RiskCounts).Query<Azure.Data.Tables.TableEntity>(select: ["PartitionKey"])
            .Select(e => e.PartitionKey).Where(p => p.StartsWith("buyer|", StringComparison.Ordinal)).Distinct().Count(); // every test's buyers so far
        Assert.InRange(partitions, 1, RiskCounters.Buckets);
    }

    [Fact]
    public async Task A_slot_whose_order_no_longer_counts_is_free_once_its_grace_has_passed()
    {
        var clock = new ShiftedClock();
        var counters = await CountersAsync(clock);
        var buyer = "buyer|" + Guid.NewGuid().ToString("N");
        var limit = new CounterSlots('l', 1, null, 1);
        var gone = new HashSet<string>();
        RiskCounters.HolderCheck holders = (_, orderId, _) => Task.FromResult(gone.Contains(orderId) ? SlotHolder.NotCounting : SlotHolder.Counting);

        Assert.Null(await counters.TakeAsync(buyer, "p", "crashed", [limit], holders, default));
        gone.Add("crashed"); // counted, then its order was never written (or was refused)
        Assert.NotNull(await counters.TakeAsync(buyer, "p", "next", [limit], holders, default)); // within the grace its order may still be on its way

        clock.Offset = RiskCounters.Grace + TimeSpan.FromSeconds(1);
        Assert.Null(await counters.TakeAsync(buyer, "p", "next", [limit], holders, default));
        Assert.NotNull(await counters.TakeAsync(buyer, "p", "third", [limit], holders, default));
    }
}
