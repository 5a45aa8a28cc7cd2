using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fulfilment.Contract;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Fulfilment.Cli;

/// <summary>Whose credential a request carries.</summary>
internal enum Caller
{
    /// <summary>The ops key (<c>--ops-key</c>, <c>FULFIL_OPS_KEY</c>).</summary>
    Ops,

    /// <summary>A partner's API key (<c>--api-key</c>, <c>FULFIL_API_KEY</c>).</summary>
    Partner,
}

/// <summary>
/// The app's HTTP API as the command line calls it: bearer credentials, JSON in and out, the API's error shape turned
/// into a message and an exit code. Safe requests (GET) are retried on 429 (after <c>Retry-After</c>), 5xx and
/// transient network errors; requests that change something are sent once.
/// </summary>
internal sealed class FulfilmentApi : IDisposable
{
    private readonly HttpClient http;
    private readonly string? opsKey;
    private readonly string? apiKey;

    public FulfilmentApi(Uri baseUrl, string? opsKey, string? apiKey, TimeSpan timeout)
    {
        var retry = new HttpRetryStrategyOptions { MaxRetryAttempts = 4, Delay = TimeSpan.FromMilliseconds(500), BackoffType = DelayBackoffType.Exponential, UseJitter = true };
        retry.DisableForUnsafeHttpMethods();
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>().AddRetry(retry).Build();
        http = new HttpClient(new ResilienceHandler(pipeline) { InnerHandler = new SocketsHttpHandler() })
        {
            BaseAddress = new Uri(baseUrl.ToString().TrimEnd('/') + "/"),
            Timeout = timeout,
        };
        this.opsKey = opsKey;
        this.apiKey = apiKey;
    }

    public Uri BaseAddress => http.BaseAddress!;

    public Task<T> GetAsync<T>(string path, Caller caller, CancellationToken cancellationToken) =>
        SendAsync<T>(HttpMethod.Get, path, null, caller, cancellationToken);

    public Task<T> PostAsync<T>(string path, object? body, Caller caller, CancellationToken cancellationToken) =>
        SendAsync<T>(HttpMethod.Post, path, body is null ? null : JsonContent.Create(body, body.GetType(), options: ContractJson.Options), caller, cancellationToken);

    /// <summary>PUTs <paramref name="json"/> as it is (the app reads it strictly: a field it does not know is refused, not dropped here).</summary>
    public Task<T> PutJsonAsync<T>(string path, string json, Caller caller, CancellationToken cancellationToken) =>
        SendAsync<T>(HttpMethod.Put, path, new StringContent(json, Encoding.UTF8, "application/json"), caller, cancellationToken);

    /// <summary>Sends the request and reads the answer as <typeparamref name="T"/>; an error answer becomes a <see cref="CliException"/>.</summary>
    public async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, Caller caller, CancellationToken cancellationToken)
    {
        var text = await SendAsync(method, path, content, caller, cancellationToken);
        try
        {
            return JsonSerializer.Deserialize<T>(text, ContractJson.Options)
                ?? throw new CliException(ExitCodes.Unavailable, $"{BaseAddress} answered {method} {path} with an empty body.");
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.Unavailable, $"{BaseAddress} answered {method} {path} with a body this command does not understand: {e.Message}");
        }
    }

    /// <summary>Sends the request; its answer's body as text (empty for 204). An error answer becomes a <see cref="CliException"/>.</summary>
    public async Task<string> SendAsync(HttpMethod method, string path, HttpContent? content, Caller caller, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", CredentialOf(caller));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new CliException(ExitCodes.Unavailable, $"Cannot reach {BaseAddress}: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Unavailable, $"{BaseAddress} did not answer {method} {path} within {http.Timeout.TotalSeconds:0} s.");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return response.IsSuccessStatusCode ? text : throw new CliException(ExitCodes.For(response.StatusCode), Describe(method, path, response, text));
        }
    }

    private string CredentialOf(Caller caller) => caller switch
    {
        Caller.Ops => opsKey ?? throw new CliException(ExitCodes.Usage, "No ops key: pass --ops-key or set FULFIL_OPS_KEY."),
        _ => apiKey ?? throw new CliException(ExitCodes.Usage, "No partner API key: pass --api-key or set FULFIL_API_KEY."),
    };

    /// <summary>"404 not_found: No order 'x'." from the API's <see cref="ErrorResponse"/>.</summary>
    private static string Describe(HttpMethod method, string path, HttpResponseMessage response, string body)
    {
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        ErrorDetail? error = null;
        try
        {
            error = JsonSerializer.Deserialize<ErrorResponse>(body, ContractJson.Options)?.Error;
        }
        catch (JsonException)
        {
        }

        if (error?.Code is null || error.Message is null)
        {
            return $"{status} from {method} {path}" + (body.Length is > 0 and < 500 ? $": {body}" : "");
        }

        var message = new StringBuilder($"{status}: {error.Message} ({error.Code})");
        if (error.Details is JsonElement { ValueKind: JsonValueKind.Array } details)
        {
            foreach (var detail in details.EnumerateArray())
            {
                message.Append("\n  - ").Append(detail.ValueKind == JsonValueKind.String ? detail.GetString() : detail.GetRawText());
            }
        }

        if (response.StatusCode == HttpStatusCode.TooManyRequests && response.Headers.RetryAfter?.Delta is { } wait)
        {
            message.Append($"\n  retry after {wait.TotalSeconds:0} s");
        }

        return message.ToString();
    }

    public void Dispose() => http.Dispose();
}
