using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Fulfilment.Http;
using Fulfilment.Storage;

namespace Fulfilment.RedemptionLog;

/// <summary>
/// <c>GET /api/partners/{partnerId}/redemptions</c>: a partner pages through its own redemption log, filtered by time
/// range, SKU, status or order, newest or oldest first, with authenticated continuation tokens.
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

    public async Task<IResult> ListAsync(string partnerId, HttpRequest request)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        var (filter, problems) = ParseFilter(request.Query);
        if (filter is null)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_query", "The query is not valid.", problems);
        }

        LogPosition? position = null;
        if (request.Query["continuationToken"].ToString() is { Length: > 0 } token)
        {
            (position, var problem) = await tokens.ReadAsync(token, partnerId, filter.Hash, cancellationToken);
            if (position is null)
            {
                return ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_continuation_token", problem!);
            }

            filter = filter with { From = new DateTimeOffset(position.FromTicks, TimeSpan.Zero), To = new DateTimeOffset(position.ToTicks, TimeSpan.Zero) };
        }

        var (entries, next) = await ReadPageAsync(partnerId, filter, position, cancellationToken);
        return Results.Bytes(PageJson(entries, next), "application/json");
    }

    /// <summary>A whole UTC day of the partner's log, oldest first, as NDJSON written page by page (never held whole).</summary>
    public async Task<IResult> ExportDayAsync(string partnerId, HttpContext context)
    {
        if (!DateOnly.TryParseExact(context.Request.Query["day"].ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_query", "day must be a UTC date, yyyy-MM-dd.");
        }

        var partition = $"{partnerId}|{day:yyyy-MM-dd}";
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {partition} and RowKey ge {RedemptionLogBook.Ascending} and RowKey lt {RedemptionLogBook.Descending}");
        return Results.Stream(async body =>
        {
            var newline = new byte[] { (byte)'\n' };
            await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: MaxPageSize, cancellationToken: context.RequestAborted).AsPages())
            {
                foreach (var row in page.Values)
                {
                    await body.WriteAsync(Encoding.UTF8.GetBytes(RedemptionLogBook.EntryJsonOf(row)), context.RequestAborted);
                    await body.WriteAsync(newline, context.RequestAborted);
                }

                await body.FlushAsync(context.RequestAborted);
            }
        }, "application/x-ndjson");
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

    private (Filter? Filter, List<string> Problems) ParseFilter(IQueryCollection query)
    {
        var problems = new List<string>();
        var now = clock.GetUtcNow();
        var to = Time(query, "to", now, problems) ?? now;
        var from = Time(query, "from", now, problems) ?? (to - FirstDay > TimeSpan.FromDays(30) ? to - TimeSpan.FromDays(30) : FirstDay);
        if (from > to) problems.Add("from must not be after to");
        if (to - from > MaxRange) problems.Add($"from and to may be at most {MaxRange.TotalDays} days apart");

        var order = query["order"].ToString();
        if (order is not ("" or "newest" or "oldest")) problems.Add("order must be newest or oldest");

        var pageSize = DefaultPageSize;
        if (query["pageSize"].ToString() is { Length: > 0 } size
            && (!int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxPageSize))
        {
            problems.Add($"pageSize must be a whole number from 1 to {MaxPageSize}");
        }

        var (sku, status, orderId) = (Text(query, "sku", problems), Text(query, "status", problems), Text(query, "orderId", problems));
        return problems.Count > 0
            ? (null, problems)
            : (new Filter(from, to, sku, status, orderId, order != "oldest", pageSize, HashOf(query)), problems);
    }

    /// <summary>No log entry is older than this; a query before it (or after tomorrow) can never match anything.</summary>
    private static readonly DateTimeOffset FirstDay = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] TimeFormats = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd"];

    private static DateTimeOffset? Time(IQueryCollection query, string name, DateTimeOffset now, List<string> problems)
    {
        var text = query[name].ToString();
        if (text.Length == 0)
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

    private static string HashOf(IQueryCollection query) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n',
        new[] { "from", "to", "sku", "status", "orderId", "order", "pageSize" }.Select(name => $"{name}={query[name]}")))).AsSpan(0, 16));

    /// <summary>A filter value, or null when absent; a value too long to match anything is refused, not dropped (which would widen the query).</summary>
    private static string? Text(IQueryCollection query, string name, List<string> problems)
    {
        var value = query[name].ToString();
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
