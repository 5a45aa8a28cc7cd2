using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Fulfilment.IntegrationTests;

/// <summary>
/// Key Vault has no emulator: this stand-in speaks its secrets REST API (GET /secrets/{name}[/{version}]) over
/// HTTPS on 127.0.0.1 with a self-signed certificate made here, and challenge-based bearer auth: a request
/// without the token gets the 401 challenge the real service sends, so SecretClient's auth flow runs for real.
/// </summary>
public sealed class KeyVaultStandIn : IAsyncDisposable
{
    public const string AccessToken = "stand-in-access-token";
    private readonly ConcurrentDictionary<string, List<(string Version, string Value)>> secrets = new();
    private readonly ConcurrentDictionary<string, bool> disabled = new();
    private readonly WebApplication app;

    private KeyVaultStandIn(WebApplication app, X509Certificate2 certificate, Uri uri)
    {
        this.app = app;
        Certificate = certificate;
        Uri = uri;
    }

    public Uri Uri { get; }

    public X509Certificate2 Certificate { get; }

    public int Challenges;
    public int AuthorizedReads;

    public static async Task<KeyVaultStandIn> StartAsync()
    {
        var certificate = SelfSignedCertificate();
        var port = Local.Azurite.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.UseHttps(certificate)));
        var app = builder.Build();
        var standIn = new KeyVaultStandIn(app, certificate, new Uri($"https://127.0.0.1:{port}/"));
        app.MapGet("/secrets/{name}/{version?}", (HttpContext context, string name, string? version) => standIn.GetSecret(context, name, version));
        await app.StartAsync();
        return standIn;
    }

    /// <summary>Adds a new version (the current one from now on) holding base64 of <paramref name="value"/>.</summary>
    public string AddVersion(string name, byte[] value)
    {
        var version = Guid.NewGuid().ToString("N");
        secrets.GetOrAdd(name, _ => []).Add((version, Convert.ToBase64String(value)));
        return version;
    }

    /// <summary>Disables a version, as an operator does after a rotation: reading it answers 403 SecretDisabled.</summary>
    public void Disable(string version) => disabled[version] = true;

    private IResult GetSecret(HttpContext context, string name, string? version)
    {
        if (context.Request.Headers.Authorization.ToString() != $"Bearer {AccessToken}")
        {
            Interlocked.Increment(ref Challenges);
            context.Response.Headers.WWWAuthenticate =
                "Bearer authorization=\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000\", resource=\"https://vault.azure.net\"";
            return Results.Json(new { error = new { code = "Unauthorized", message = "AKV10000: Request is missing a Bearer or PoP token." } }, statusCode: 401);
        }

        Interlocked.Increment(ref AuthorizedReads);
        var versions = secrets.TryGetValue(name, out var list) ? list : [];
        var found = version is null ? versions.LastOrDefault() : versions.FirstOrDefault(v => v.Version == version);
        if (found.Version is null)
        {
            return Results.Json(new { error = new { code = "SecretNotFound", message = $"A secret with (name/id) {name}/{version} was not found in this key vault." } }, statusCode: 404);
        }

        if (disabled.ContainsKey(found.Version))
        {
            return Results.Json(new
            {
                error = new { code = "Forbidden", message = $"Operation get is not allowed on a disabled secret.", innererror = new { code = "SecretDisabled" } },
            }, statusCode: 403);
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return Results.Json(new
        {
            value = found.Value,
            id = $"{Uri}secrets/{name}/{found.Version}",
            attributes = new { enabled = true, created = now, updated = now, recoveryLevel = "Recoverable+Purgeable" },
        });
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        Certificate.Dispose();
    }
}
