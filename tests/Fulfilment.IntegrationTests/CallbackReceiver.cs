using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Fulfilment.IntegrationTests;

/// <summary>A partner's endpoint on loopback that records what it receives and fails the first N requests.</summary>
internal sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private int count;

    private CallbackReceiver(WebApplication app) => this.app = app;

    public ConcurrentQueue<(Dictionary<string, string> Headers, string Body)> Received { get; } = new();

    public Uri Url { get; private set; } = null!;

    public static async Task<CallbackReceiver> StartAsync(int failFirst)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new CallbackReceiver(app);
        app.MapPost("/callbacks", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            receiver.Received.Enqueue((context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), body));
            return Interlocked.Increment(ref receiver.count) <= failFirst ? Results.StatusCode(500) : Results.NoContent();
        });
        await app.StartAsync();
        receiver.Url = new Uri(app.Urls.First() + "/callbacks");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
