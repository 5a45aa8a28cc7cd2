using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Fulfilment.Storage;

namespace Fulfilment.RedemptionLog;

/// <summary>
/// A partner pages through its own redemption log, filtered by time range, SKU, status or order, newest or oldest
/// first, with authenticated continuation tokens; or exports a whole day of it.
/// </summary>
internal sealed class RedemptionLogQuery(
    TableServiceClient tables, ContinuationTokens tokens, TimeProvider clock)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;
    private static readonly TimeSpan MaxRange = TimeSpan.FromDays(366);
    private readonly TableClient table = tables.GetTableClient(TableNames.RedemptionLog);

    /// <param name="Hash">Binds a continuation token to the query exactly as the partner sent it.</param>
    private sealed record Filter(
        DateTimeOffset From, DateTimeOffset To, string? Sku, string? Status, string? OrderId, bool NewestFirst, int PageSize, string Hash);

    public async Task<RedemptionLogPage> ListAsync(string partnerId, RedemptionLogRequest request, CancellationToken cancellationToken)
    {
        var (filter, problems) = ParseFilter(request);
        if (filter is null)
        {
            return RedemptionLogPage.Refused("invalid_query", "The query is not valid.", problems);
        }

        LogPosition? position = null;
        if (request.ContinuationToken is { Length: > 0 } token)
        {
            (position, var problem) = await tokens.ReadAsync(token, partnerId, filter.Hash, cancellationToken);
            if (position is null)
            {
                return RedemptionLogPage.Refused("invalid_continuation_token", problem!);
            }

            filter = filter with { From = new DateTimeOffset(position.FromTicks, TimeSpan.Zero), To = new DateTimeOffset(position.ToTicks, TimeSpan.Zero) };
        }

        var (entries, next) = await ReadPageAsync(partnerId, filter, position, cancellationToken);
        return RedemptionLogPage.Of(PageJson(entries, next));
    }

    /// <summary>The day of an export, a UTC date written <c>yyyy-MM-dd</c>; null when it is not one.</summary>
    public static DateOnly? ExportDay(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    /// <summary>A whole UTC day of the partner's log, oldest first, as NDJSON written to <paramref name="body"/> page by page (never held whole).</summary>
    public async Task ExportDayAsync(string partnerId, DateOnly day, Stream body, CancellationToken cancellationToken)
    {
        var partition = $"{partnerId}|{day:yyyy-MM-dd}";
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {partition} and RowKey ge {RedemptionLogBook.Ascending} and RowKey lt {RedemptionLogBook.Descending}");
        var newline = new byte[] { (byte)'\n' };
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: MaxPageSize, cancellationToken: cancellationToken).AsPages())
        {
            foreach (var row in page.Values)
            {
                await body.WriteAsync(Encoding.UTF8.GetBytes(RedemptionLogBook.EntryJsonOf(row)), cancellationToken);
                await body.WriteAsync(newline, cancellationToken);
            }

            await body.FlushAsync(cancellationToken);
        }
    }

    /// <summary><c>{"entries": [...], "continuationToken": ...}</c>, the entries' stored JSON written as it is.</summary>
    private static byte[] PageJson(List<string> entries, string? continuationToken)
    {
        using var buffer = new MemoryStream(entries.Sum(e => e.Length) + 1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("entries");
            foreach (var entry in entries)
            {
                writer.WriteRawValue(entry, skipInputValidation: true);
            }

            writer.WriteEndArray();
            writer.WriteString("continuationToken", continuationToken);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private async Task<(List<string> Entries, string? ContinuationToken)> ReadPageAsync(
        string partnerId, Filter filter, LogPosition? position, CancellationToken cancellationToken)
    {
        var entries = new List<string>(Math.Min(filter.PageSize, 256));
        var days = Days(filter.From, filter.To);
        if (filter.NewestFirst)
        {
            days.Reverse();
        }

        var (lower, upper) = filter.NewestFirst
            ? (RedemptionLogBook.DescendingKey(filter.To, ""), RedemptionLogBook.DescendingKey(filter.From, "~"))
            : (RedemptionLogBook.AscendingKey(filter.From, ""), RedemptionLogBook.AscendingKey(filter.To, "~"));
        foreach (var day in position is null ? days : days.SkipWhile(d => d != position.Day))
        {
            var partition = $"{partnerId}|{day}";
            var after = position?.Day == day ? position.AfterRowKey : null;
            var query = after is null
                ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {lower} and RowKey le {upper}")
                : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {after} and RowKey le {upper}");
            query += Extra(filter);
            await foreach (var row in table.QueryAsync<TableEntity>(query, maxPerPage: filter.PageSize - entries.Count, cancellationToken: cancellationToken))
            {
                entries.Add(RedemptionLogBook.EntryJsonOf(row));
                if (entries.Count == filter.PageSize)
                {
                    return (entries, await tokens.IssueAsync(partnerId, filter.Hash, filter.From, filter.To, day, row.RowKey, cancellationToken));
                }
            }
        }

        return (entries, null);
    }

    private static string Extra(Filter filter)
    {
        var extra = "";
        if (filter.Sku is not null) extra += " and " + TableClient.CreateQueryFilter($"Sku eq {filter.Sku}");
        if (filter.Status is not null) extra += " and " + TableClient.CreateQueryFilter($"Status eq {filter.Status}");
        if (filter.OrderId is not null) extra += " and " + TableClient.CreateQueryFilter($"OrderId eq {filter.OrderId}");
        return extra;
    }

    private (Filter? Filter, List<string> Problems) ParseFilter(RedemptionLogRequest query)
    {
        var problems = new List<string>();
        var now = clock.GetUtcNow();
        var to = Time(query.To, "to", now, problems) ?? now;
        var from = Time(query.From, "from", now, problems) ?? (to - FirstDay > TimeSpan.FromDays(30) ? to - TimeSpan.FromDays(30) : FirstDay);
        if (from > to) problems.Add("from must not be after to");
        if (to - from > MaxRange) problems.Add($"from and to may be at most {MaxRange.TotalDays} days apart");

        var order = query.Order ?? "";
        if (order is not ("" or "newest" or "oldest")) problems.Add("order must be newest or oldest");

        var pageSize = DefaultPageSize;
        if (query.PageSize is { Length: > 0 } size
            && (!int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxPageSize))
        {
            problems.Add($"pageSize must be a whole number from 1 to {MaxPageSize}");
        }

        var (sku, status, orderId) = (Text(query.Sku, "sku", problems), Text(query.Status, "status", problems), Text(query.OrderId, "orderId", problems));
        return problems.Count > 0
            ? (null, problems)
            : (new Filter(from, to, sku, status, orderId, order != "oldest", pageSize, HashOf(query)), problems);
    }

    /// <summary>No log entry is older than this; a query before it (or after tomorrow) can never match anything.</summary>
    private static readonly DateTimeOffset FirstDay = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] TimeFormats = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd"];

    private static DateTimeOffset? Time(string? text, string name, DateTimeOffset now, List<string> problems)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (!DateTimeOffset.TryParseExact(text, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            problems.Add($"{name} must be an ISO 8601 time, e.g. 2026-11-23T00:00:00Z, or a date, e.g. 2026-11-23");
            return null;
        }

        if (value < FirstDay || value > now.AddDays(1))
        {
            problems.Add($"{name} must be between {FirstDay:yyyy-MM-dd} and tomorrow (UTC)");
            return null;
        }

        return value;
    }

    private static string HashOf(RedemptionLogRequest query) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n',
        $"from={query.From}", $"to={query.To}", $"sku={query.Sku}", $"status={query.Status}", $"orderId={query.OrderId}", $"order={query.Order}",
        $"pageSize={query.PageSize}"))).AsSpan(0, 16));

    /// <summary>A filter value, or null when absent; a value too long to match anything is refused, not dropped (which would widen the query).</summary>
    private static string? Text(string? text, string name, List<string> problems)
    {
        var value = text ?? "";
        if (value.Length > 128)
        {
            problems.Add($"{name} must be at most 128 characters");
        }

        return value.Length is > 0 and <= 128 ? value : null;
    }

    private static List<string> Days(DateTimeOffset from, DateTimeOffset to)
    {
        var days = new List<string>();
        for (var day = from.UtcDateTime.Date; day <= to.UtcDateTime.Date; day = day.AddDays(1))
        {
            days.Add(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        return days;
    }
}
