using System.Text.Json;
using Azure.Data.Tables;
using Fulfilment.Serialization;
using Fulfilment.Storage;
using Microsoft.Extensions.Caching.Memory;

namespace Fulfilment.Risk;

/// <summary>
/// Each partner's risk rules in Table Storage: one partition per partner, its defaults in row <c>*</c> and each SKU's
/// own rules in the SKU's row. A partner's rules are read together and cached briefly per instance (like the
/// catalogue): a change reaches every instance within <see cref="CacheLifetime"/>. The counts the rules are checked
/// against are never cached (<see cref="RiskCounters"/>).
/// </summary>
internal sealed class RiskRulesBook(TableServiceClient tables, IMemoryCache cache)
{
    public const string Defaults = "*";
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);
    private const int ChunkChars = 30_000; // a string property holds at most 32K characters
    private readonly TableClient table = tables.GetTableClient(TableNames.RiskRules);

    /// <summary>The rules in force for the partner's orders of <paramref name="sku"/>: the SKU's over the partner's defaults.</summary>
    public async Task<RiskRules> ForAsync(string partnerId, string sku, CancellationToken cancellationToken)
    {
        var rules = await RulesInForceAsync(partnerId, cancellationToken);
        return rules.GetValueOrDefault(sku) ?? rules.GetValueOrDefault(Defaults, RiskRules.None);
    }

    /// <summary>The partner's rules as saved (not merged), uncached: its defaults under <see cref="Defaults"/>, each SKU's under its id.</summary>
    public async Task<Dictionary<string, RiskRules>> ListAsync(string partnerId, CancellationToken cancellationToken)
    {
        var rules = new Dictionary<string, RiskRules>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partnerId}"), cancellationToken: cancellationToken))
        {
            rules[row.RowKey] = Read(row);
        }

        return rules;
    }

    /// <summary>Replaces the rules of the partner's defaults or of one SKU; empty rules remove them.</summary>
    public async Task SaveAsync(string partnerId, string scope, RiskRules rules, CancellationToken cancellationToken)
    {
        if (rules.IsEmpty)
        {
            await table.DeleteEntityAsync(partnerId, scope, cancellationToken: cancellationToken);
        }
        else
        {
            var json = JsonSerializer.Serialize(rules, AppJson.Options);
            var row = new TableEntity(partnerId, scope) { ["Chunks"] = (json.Length + ChunkChars - 1) / ChunkChars };
            for (var i = 0; i * ChunkChars < json.Length; i++)
            {
                row[$"Rules{i}"] = json.Substring(i * ChunkChars, Math.Min(ChunkChars, json.Length - (i * ChunkChars)));
            }

            await table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
        }

        cache.Remove(("risk-rules", partnerId));
    }

    /// <summary>The partner's rules in force, merged once per load (not per order): its defaults, and each SKU's rules over them.</summary>
    private Task<Dictionary<string, RiskRules>> RulesInForceAsync(string partnerId, CancellationToken cancellationToken) =>
        cache.GetOrCreateAsync(("risk-rules", partnerId), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = CacheLifetime;
            var saved = await ListAsync(partnerId, cancellationToken);
            var defaults = saved.GetValueOrDefault(Defaults, RiskRules.None);
            return saved.ToDictionary(s => s.Key, s => s.Key == Defaults ? s.Value : s.Value.Over(defaults), StringComparer.Ordinal);
        })!;

    private static RiskRules Read(TableEntity row)
    {
        var json = string.Concat(Enumerable.Range(0, row.GetInt32("Chunks") ?? 0).Select(i => row.GetString($"Rules{i}")));
        return JsonSerializer.Deserialize<RiskRules>(json, AppJson.Options) ?? RiskRules.None;
    }
}
