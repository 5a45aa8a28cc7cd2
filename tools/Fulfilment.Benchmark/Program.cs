using System.CommandLine;
using Fulfilment.Benchmark;

var orders = new Option<int>("--orders") { Description = "Orders to fulfil in each phase.", DefaultValueFactory = _ => 2000 };
var concurrency = new Option<int>("--concurrency") { Description = "Webhooks in flight at once, and baseline loops.", DefaultValueFactory = _ => 32 };
var rate = new Option<int?>("--rate") { Description = "Cap on webhooks sent per second (default: as fast as they are accepted), to measure latency below saturation." };
var rounds = new Option<int>("--rounds") { Description = "Rounds of baseline then product, each phase on a fresh Azurite.", DefaultValueFactory = _ => 3 };
var quick = new Option<bool>("--quick") { Description = "300 orders per phase (about a minute in all), whatever --orders says." };
var riskRules = new Option<bool>("--risk-rules") { Description = "Compare the app with five risk rules on the SKU against the app without rules (instead of the storage-only baseline)." };
var command = new RootCommand(
    "Paid order → delivered card key through the app and its local trigger host on Azurite, against a baseline loop " +
    "doing only the storage calls an order minimally needs, alternated over rounds; prints the median ratio and the " +
    "storage requests per order of each.")
{
    orders,
    concurrency,
    rate,
    rounds,
    quick,
    riskRules,
};
command.SetAction((result, cancellationToken) => OrderThroughputBenchmark.RunAsync(
    result.GetValue(quick) ? 300 : result.GetValue(orders), result.GetValue(concurrency), result.GetValue(rate), Math.Max(1, result.GetValue(rounds)),
    result.GetValue(riskRules), cancellationToken));

var timeouts = new Option<double>("--timeouts") { Description = "Share of submits that time out after the supplier credited.", DefaultValueFactory = _ => 0.2 };
var protocols = new Option<string[]>("--protocol")
{
    Description = "The suppliers' protocols to run through, each in turn: generic-rest, reloadly, dtone.",
    DefaultValueFactory = _ => ["generic-rest", "reloadly", "dtone"],
    AllowMultipleArgumentsPerToken = true,
};
protocols.AcceptOnlyFromAmong("generic-rest", "reloadly", "dtone");
var topUps = new Command(
    "top-ups", "Direct top-ups through the app against each protocol's supplier simulator: no faults, then with submits timing out after crediting.")
{
    orders,
    concurrency,
    timeouts,
    rate,
    protocols,
};
topUps.SetAction((result, cancellationToken) => TopUpBenchmark.RunAsync(
    result.GetValue(orders), result.GetValue(concurrency), result.GetValue(timeouts), result.GetValue(rate), result.GetValue(protocols)!, cancellationToken));
command.Subcommands.Add(topUps);

var entries = new Option<int>("--entries") { Description = "Redemption log entries to pull.", DefaultValueFactory = _ => 100_000 };
var days = new Option<int>("--days") { Description = "Days (one partition each) the entries are spread over.", DefaultValueFactory = _ => 100 };
var pageSize = new Option<int>("--page-size") { Description = "Entries per page (at most 1000).", DefaultValueFactory = _ => 1000 };
var logPull = new Command("log-pull", "A partner paging through its redemption log via the API, against a raw Table query of the same rows.")
{
    entries,
    days,
    pageSize,
};
logPull.SetAction((result, cancellationToken) =>
    LogPullBenchmark.RunAsync(result.GetValue(entries), result.GetValue(days), result.GetValue(pageSize), cancellationToken));
command.Subcommands.Add(logPull);
var keys = new Option<int>("--keys") { Description = "Card keys in the one upload.", DefaultValueFactory = _ => 100_000 };
var shards = new Option<int>("--shards") { Description = "Partitions per SKU (Inventory:ShardCount).", DefaultValueFactory = _ => 32 };
var importRounds = new Option<int>("--rounds") { Description = "Rounds of raw inserts then the API, each on a fresh Azurite.", DefaultValueFactory = _ => 3 };
var import = new Command("import", "One upload of card keys through the import API, against raw entity-group inserts of the same sealed entities, alternated over rounds.")
{
    keys,
    shards,
    importRounds,
};
import.SetAction((result, cancellationToken) =>
    ImportBenchmark.RunAsync(result.GetValue(keys), result.GetValue(shards), Math.Max(1, result.GetValue(importRounds)), cancellationToken));
command.Subcommands.Add(import);
var claimKeys = new Option<int>("--keys") { Description = "Card keys of the hot SKU (the calm SKUs share as many).", DefaultValueFactory = _ => 20_000 };
var claimers = new Option<int>("--claimers") { Description = "Concurrent claimers.", DefaultValueFactory = _ => 16 };
var instances = new Option<int>("--instances") { Description = "App instances the claimers are spread over (as Functions scales out).", DefaultValueFactory = _ => 4 };
var naiveSeconds = new Option<int>("--naive-seconds") { Description = "How long the naive claimer runs.", DefaultValueFactory = _ => 20 };
var claims = new Command("claims", "Hot-SKU claiming: claimers on one SKU, against the same claimers on one SKU each and a naive single-partition claimer.")
{
    claimKeys,
    claimers,
    instances,
    shards,
    naiveSeconds,
};
claims.SetAction((result, cancellationToken) =>
    ClaimBenchmark.RunAsync(result.GetValue(claimKeys), result.GetValue(claimers), result.GetValue(instances), result.GetValue(shards), result.GetValue(naiveSeconds), cancellationToken));
command.Subcommands.Add(claims);
var starts = new Option<int>("--starts") { Description = "Starts of the published app to time.", DefaultValueFactory = _ => 5 };
var memoryOrders = new Option<int>("--orders") { Description = "Orders per round of the memory measurement (two rounds; 0 skips it).", DefaultValueFactory = _ => 10_000 };
var published = new Option<string?>("--published") { Description = "An already published folder (default: run scripts/publish.sh)." };
var startup = new Command("startup", "The published app: process start → first webhook answered and → first order delivered (median of the starts); then its working set after two rounds of orders.")
{
    starts,
    memoryOrders,
    published,
};
startup.SetAction((result, cancellationToken) =>
    StartupBenchmark.RunAsync(result.GetValue(starts), result.GetValue(memoryOrders), result.GetValue(published), cancellationToken));
command.Subcommands.Add(startup);
return await command.Parse(args).InvokeAsync();
