using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Fulfilment.Storage;

/// <summary>
/// Counts every request the Azure SDK sends to the storage account (retries included) as the metric
/// <c>fulfilment.storage.requests</c>, tagged with the service (<c>table</c> or <c>queue</c>), the table or queue, and
/// the operation (<c>read</c>, <c>query</c>, <c>insert</c>, <c>update</c>, <c>upsert</c>, <c>delete</c>,
/// <c>transaction</c>; <c>enqueue</c>, <c>dequeue</c>, <c>peek</c>, <c>renew</c>, <c>delete</c>, …). What an order costs
/// in storage calls is then read from the metric, in production as in the benchmark.
/// </summary>
internal sealed class StorageRequestCounter(IMeterFactory meters, string service) : HttpPipelineSynchronousPolicy
{
    public const string MeterName = "Fulfilment";
    public const string InstrumentName = "fulfilment.storage.requests";
    private const int BatchPeekBytes = 4096;

    private readonly Counter<long> requests = meters.Create(MeterName).CreateCounter<long>(
        InstrumentName, unit: "{request}", description: "Requests sent to the storage account, by service, table or queue, and operation.");

    public override void OnSendingRequest(HttpMessage message)
    {
        if (!requests.Enabled)
        {
            return;
        }

        var request = message.Request;
        var (resource, operation) = service == "queue"
            ? ClassifyQueueRequest(request.Method, ResourceSegments(request.Uri.ToUri()), request.Uri.Query)
            : ClassifyTableRequest(request.Method, ResourceSegments(request.Uri.ToUri()), request.Headers.Contains("If-Match"), () => BatchTable(request));
        requests.Add(1,
            new KeyValuePair<string, object?>("storage.service", service),
            new KeyValuePair<string, object?>("storage.resource", resource),
            new KeyValuePair<string, object?>("storage.operation", operation));
    }

    /// <summary>The path's segments after the account: Azurite and other emulators put the account name first.</summary>
    internal static string[] ResourceSegments(Uri uri)
    {
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var pathStyle = IPAddress.TryParse(uri.Host, out _) || uri.IsLoopback;
        return pathStyle ? segments.Skip(1).ToArray() : segments;
    }

    internal static (string Resource, string Operation) ClassifyTableRequest(RequestMethod method, string[] segments, bool conditional, Func<string> batchTable)
    {
        if (segments is not [var first, ..])
        {
            return ("", method.Method.ToLowerInvariant());
        }

        if (first == "$batch")
        {
            return (batchTable(), "transaction");
        }

        var open = first.IndexOf('(', StringComparison.Ordinal);
        var table = open < 0 ? first : first[..open];
        if (table == "Tables")
        {
            return (table, "table-" + method.Method.ToLowerInvariant());
        }

        var entity = first.Contains("PartitionKey=", StringComparison.Ordinal);
        return (table, method.Method switch
        {
            "GET" => entity ? "read" : "query",
            "POST" => "insert",
            "PUT" or "MERGE" or "PATCH" => conditional ? "update" : "upsert",
            "DELETE" => "delete",
            var other => other.ToLowerInvariant(),
        });
    }

    internal static (string Resource, string Operation) ClassifyQueueRequest(RequestMethod method, string[] segments, string query) => segments switch
    {
        [] => ("", "list-queues"),
        [var queue] => (queue, method.Method switch
        {
            "PUT" => "create",
            "DELETE" => "delete-queue",
            _ => "properties",
        }),
        [var queue, "messages"] => (queue, method.Method switch
        {
            "POST" => "enqueue",
            "GET" => query.Contains("peekonly=true", StringComparison.OrdinalIgnoreCase) ? "peek" : "dequeue",
            "DELETE" => "clear",
            var other => other.ToLowerInvariant(),
        }),
        [var queue, "messages", _] => (queue, method.Method switch
        {
            "DELETE" => "delete",
            "PUT" => "renew",
            var other => other.ToLowerInvariant(),
        }),
        [var queue, ..] => (queue, method.Method.ToLowerInvariant()),
    };

    /// <summary>An entity-group transaction names its table only in its body: the first sub-request's address.</summary>
    private static string BatchTable(Request request)
    {
        if (request.Content is not { } content)
        {
            return "";
        }

        using var head = new HeadOnly(BatchPeekBytes);
        content.WriteTo(head, CancellationToken.None);
        return TableOfFirstSubRequest(head.Text);
    }

    /// <summary>Keeps the first bytes written to it and drops the rest: no copy of a whole transaction's body.</summary>
    private sealed class HeadOnly(int capacity) : Stream
    {
        private readonly byte[] kept = new byte[capacity];
        private int length;

        public string Text => Encoding.UTF8.GetString(kept, 0, length);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => length;

        public override long Position { get => length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            var room = Math.Min(buffer.Length, kept.Length - length);
            buffer[..room].CopyTo(kept.AsSpan(length));
            length += room;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    internal static string TableOfFirstSubRequest(string batchBody)
    {
        foreach (var line in batchBody.Split('\n'))
        {
            var parts = line.Trim().Split(' ');
            if (parts is [_, var address, var version] && version.StartsWith("HTTP/", StringComparison.Ordinal)
                && Uri.TryCreate(address, UriKind.Absolute, out var uri) && ResourceSegments(uri) is [var first, ..])
            {
                var open = first.IndexOf('(', StringComparison.Ordinal);
                return open < 0 ? first : first[..open];
            }
        }

        return "";
    }
}
