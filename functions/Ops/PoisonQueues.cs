using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Fulfilment.Contract;
using Fulfilment.Storage;
using Microsoft.Extensions.Options;
using QueueFailure = Fulfilment.Contract.QueueFailure;

namespace Fulfilment.Ops;

/// <summary>
/// Ops' view of the poison queues (<c>&lt;queue&gt;-poison</c>): list them, read their messages with the recorded failure,
/// replay messages to their original queue, or delete them. A replayed message carries <c>replayCount</c> (a JSON
/// property the functions ignore); a message replayed <see cref="OpsOptions.ReplayCap"/> times is not replayed again.
/// <para>
/// A replay or purge receives the poison messages (hiding them from anyone else for <see cref="HoldFor"/>), sends each
/// matching one to its queue and only then deletes it: nothing is lost, and two concurrent replays never take the same
/// message. Should a hold expire mid-way, a message may be sent twice; every queue function is idempotent, so a
/// duplicate message has no duplicate effect.
/// </para>
/// </summary>
internal sealed class PoisonQueues(
    QueueServiceClient queues, QueueMessages queueMessages, QueueFailureLog failures, IOptions<OpsOptions> options, ILogger<PoisonQueues> logger)
{
    public const string ReplayCountProperty = "replayCount";
    public const int MaxPeek = 32;
    private static readonly TimeSpan HoldFor = TimeSpan.FromMinutes(2);

    public static bool IsPoisonQueue(string name) => name.EndsWith(QueueMessages.PoisonSuffix, StringComparison.Ordinal);

    public static string OriginalQueueOf(string poisonQueue) => poisonQueue[..^QueueMessages.PoisonSuffix.Length];

    public async Task<IReadOnlyList<PoisonQueueSummary>> ListQueuesAsync(CancellationToken cancellationToken)
    {
        var found = new List<PoisonQueueSummary>();
        await foreach (var queue in queues.GetQueuesAsync(cancellationToken: cancellationToken))
        {
            if (IsPoisonQueue(queue.Name))
            {
                var properties = await queues.GetQueueClient(queue.Name).GetPropertiesAsync(cancellationToken);
                found.Add(new PoisonQueueSummary(queue.Name, OriginalQueueOf(queue.Name), properties.Value.ApproximateMessagesCount));
            }
        }

        return found;
    }

    /// <summary>True when the poison queue exists.</summary>
    public async Task<bool> ExistsAsync(string poisonQueue, CancellationToken cancellationToken) =>
        IsPoisonQueue(poisonQueue) && (await queues.GetQueueClient(poisonQueue).ExistsAsync(cancellationToken)).Value;

    /// <summary>The first <paramref name="limit"/> (at most 32) messages, read without taking them off the queue.</summary>
    public async Task<IReadOnlyList<PoisonMessage>> PeekAsync(string poisonQueue, int limit, CancellationToken cancellationToken)
    {
        var peeked = await queues.GetQueueClient(poisonQueue).PeekMessagesAsync(Math.Clamp(limit, 1, MaxPeek), cancellationToken);
        var original = OriginalQueueOf(poisonQueue);
        var messages = new List<PoisonMessage>();
        foreach (var message in peeked.Value)
        {
            var text = queueMessages.TryDecode(message.Body.ToString());
            var replays = text is null ? 0 : ReplayCountOf(text) ?? 0;
            messages.Add(new PoisonMessage(
                message.MessageId,
                original,
                text ?? message.Body.ToString(),
                text is not null,
                message.DequeueCount,
                message.InsertedOn,
                replays,
                replays >= options.Value.ReplayCap,
                Failure(await failures.FindAsync(original, text ?? message.Body.ToString(), cancellationToken))));
        }

        return messages;
    }

    private static QueueFailure? Failure(Storage.QueueFailure? failure) => failure is null ? null
        : new QueueFailure(failure.FunctionName, failure.Reason, failure.Attempts, failure.PoisonedAtOnce, failure.FailedAt);

    /// <summary>Sends the matching messages back to their original queue, each with its replay count raised by one.</summary>
    public Task<PoisonActionReport> ReplayAsync(string poisonQueue, PoisonSelection selection, CancellationToken cancellationToken) =>
        ForEachMatchingAsync(poisonQueue, selection, replay: true, cancellationToken);

    /// <summary>Deletes the matching messages.</summary>
    public Task<PoisonActionReport> PurgeAsync(string poisonQueue, PoisonSelection selection, CancellationToken cancellationToken) =>
        ForEachMatchingAsync(poisonQueue, selection, replay: false, cancellationToken);

    /// <summary>
    /// The orders a message names: the <c>orderId</c> of a JSON object, or of each object in its <c>orders</c> (a
    /// fulfilment request naming several orders).
    /// </summary>
    public static IReadOnlyList<string> OrderIdsOf(string text)
    {
        if (ParseObject(text) is not { } json)
        {
            return [];
        }

        var named = json["orders"] is JsonArray orders ? orders.Select(o => (o as JsonObject)?["orderId"]) : [json["orderId"]];
        return named.Select(id => id is JsonValue value && value.TryGetValue<string>(out var orderId) ? orderId : null).OfType<string>().ToList();
    }

    /// <summary>How often the message was replayed: 0 if never, null if it is not a JSON object (and cannot carry a count).</summary>
    public static int? ReplayCountOf(string text)
    {
        if (ParseObject(text) is not { } json)
        {
            return null;
        }

        return json[ReplayCountProperty] is JsonValue value && value.TryGetValue<int>(out var count) ? count : 0;
    }

    private async Task<PoisonActionReport> ForEachMatchingAsync(string poisonQueue, PoisonSelection selection, bool replay, CancellationToken cancellationToken)
    {
        var poison = queues.GetQueueClient(poisonQueue);
        var original = OriginalQueueOf(poisonQueue);
        var seen = new HashSet<string>();
        var held = new List<(string MessageId, string PopReceipt)>();
        List<string> replayed = [], deleted = [];
        List<PoisonMessageProblem> notReplayed = [];
        try
        {
            while (true)
            {
                var batch = (await poison.ReceiveMessagesAsync(MaxPeek, HoldFor, cancellationToken)).Value;
                var fresh = batch.Where(m => seen.Add(m.MessageId)).ToList();
                held.AddRange(batch.Except(fresh).Select(m => (m.MessageId, m.PopReceipt)));
                if (fresh.Count == 0)
                {
                    break;
                }

                foreach (var message in fresh)
                {
                    var text = queueMessages.TryDecode(message.Body.ToString());
                    if (!selection.Matches(message.MessageId, text))
                    {
                        held.Add((message.MessageId, message.PopReceipt));
                        continue;
                    }

                    if (!replay)
                    {
                        await DeleteAsync(poison, message, cancellationToken);
                        deleted.Add(message.MessageId);
                        continue;
                    }

                    var problem = await TryReplayAsync(poison, original, message, text, cancellationToken);
                    if (problem is null)
                    {
                        replayed.Add(message.MessageId);
                    }
                    else
                    {
                        notReplayed.Add(new PoisonMessageProblem(message.MessageId, problem));
                        held.Add((message.MessageId, message.PopReceipt));
                    }
                }
            }
        }
        finally
        {
            // Messages looked at but left in place become visible again at once, not after the hold.
            foreach (var (messageId, popReceipt) in held)
            {
                await ReleaseAsync(poison, messageId, popReceipt);
            }
        }

        logger.LogInformation(
            "Poison queue {Queue}: examined {Examined}, replayed {Replayed}, deleted {Deleted}, not replayed {NotReplayed}",
            poisonQueue, seen.Count, replayed.Count, deleted.Count, notReplayed.Count);
        return new PoisonActionReport(seen.Count, replayed, deleted, notReplayed);
    }

    /// <summary>Null when the message is back on its queue, else why it was not replayed.</summary>
    private async Task<string?> TryReplayAsync(QueueClient poison, string original, QueueMessage message, string? text, CancellationToken cancellationToken)
    {
        if (text is null)
        {
            return "the body cannot be decoded (not valid for the queue's message encoding); it can only be deleted";
        }

        if (ParseObject(text) is not { } json)
        {
            return "the body is not a JSON object, so no function can read it; it can only be deleted";
        }

        var replays = ReplayCountOf(text) ?? 0;
        if (replays >= options.Value.ReplayCap)
        {
            logger.LogWarning("Poison message {MessageId} on {Queue} was replayed {ReplayCount} times and is not replayed again",
                message.MessageId, poison.Name, replays);
            return $"replayed {replays} times already (the cap is {options.Value.ReplayCap}): it keeps failing; look at its failure before deleting it";
        }

        json[ReplayCountProperty] = replays + 1;
        await queueMessages.SendAsync(original, json.ToJsonString(), cancellationToken);
        await DeleteAsync(poison, message, cancellationToken);
        return null;
    }

    private async Task DeleteAsync(QueueClient poison, QueueMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Our hold expired and someone else took the message: their action stands.
            logger.LogWarning("Poison message {MessageId} on {Queue} was taken by another action before it could be deleted", message.MessageId, poison.Name);
        }
    }

    private async Task ReleaseAsync(QueueClient poison, string messageId, string popReceipt)
    {
        try
        {
            await poison.UpdateMessageAsync(messageId, popReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Taken by another action after our hold expired; it becomes visible on its own terms.
        }
    }

    /// <summary>The message as a JSON object; null when it is not one, or names a property twice at any depth.</summary>
    private static JsonObject? ParseObject(string text)
    {
        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
