using System.CommandLine;

namespace Fulfilment.Cli.Commands;

/// <summary><c>fulfil partners create|add-key|revoke-key|credentials|retire-secret|retire-key</c>.</summary>
internal static class PartnersCommand
{
    public static Command Build()
    {
        var partners = new Command("partners", "Partners and their credentials.");

        var partnerId = new Argument<string>("partnerId");
        var name = new Option<string>("--name") { Description = "The partner's display name.", Required = true };
        var callbackUrl = new Option<Uri?>("--callback-url")
        {
            Description = "Where to POST signed notifications of final order states.",
            CustomParser = FulfilCommandLine.AbsoluteUri,
        };
        var create = new Command("create", "Create a partner; prints its first webhook secret and API key, shown this once.") { partnerId, name, callbackUrl };
        create.Runs(async (context, cancellationToken) =>
        {
            var r = context.Result;
            var created = await context.Api.PostJsonAsync(
                "api/ops/partners", new { partnerId = r.GetValue(partnerId), name = r.GetValue(name), callbackUrl = r.GetValue(callbackUrl) }, Caller.Ops, cancellationToken);
            await context.WriteAsync(created, c =>
            [
                $"Partner {c.GetProperty("partnerId").GetString()} created. Hand these to the partner now; they are not shown again:",
                $"  webhook secret: {c.GetProperty("webhookSecret").GetString()}   (signs its payment webhooks)",
                $"  callback secret: {c.GetProperty("callbackSecret").GetString()}   (verifies our notifications to it)",
                $"  API key:        {c.GetProperty("apiKey").GetString()}   (key id {c.GetProperty("keyId").GetString()})",
            ]);
        });
        partners.Subcommands.Add(create);

        var addKeyPartner = new Argument<string>("partnerId");
        var addKey = new Command("add-key", "Add an API key (rotation: the partner's other keys keep working); shown this once.") { addKeyPartner };
        addKey.Runs(async (context, cancellationToken) =>
        {
            var id = context.Result.GetValue(addKeyPartner)!;
            var added = await context.Api.PostJsonAsync($"api/ops/partners/{Uri.EscapeDataString(id)}/api-keys", new { }, Caller.Ops, cancellationToken);
            await context.WriteAsync(added, a => [$"API key for {id} (key id {a.GetProperty("keyId").GetString()}), shown this once:", $"  {a.GetProperty("apiKey").GetString()}"]);
        });
        partners.Subcommands.Add(addKey);

        var revokePartner = new Argument<string>("partnerId");
        var keyId = new Argument<string>("keyId") { Description = "The key id printed when the key was created." };
        var revoke = new Command("revoke-key", "Revoke an API key: refused at once here, everywhere within a minute.") { revokePartner, keyId };
        revoke.Runs(async (context, cancellationToken) =>
        {
            var (id, key) = (context.Result.GetValue(revokePartner)!, context.Result.GetValue(keyId)!);
            await context.Api.SendAsync(HttpMethod.Delete, $"api/ops/partners/{Uri.EscapeDataString(id)}/api-keys/{Uri.EscapeDataString(key)}", null, Caller.Ops, cancellationToken);
            await context.WriteAsync(new { partnerId = id, keyId = key, revoked = true }, _ => [$"API key {key} of {id} revoked."]);
        });
        partners.Subcommands.Add(revoke);

        var credentialsPartner = new Argument<string>("partnerId");
        var credentials = new Command("credentials", "List a partner's webhook secrets and API keys: ids, created, last used, retirement (never the secrets).") { credentialsPartner };
        credentials.Runs(async (context, cancellationToken) =>
        {
            var id = context.Result.GetValue(credentialsPartner)!;
            var listed = await context.Api.GetAsync($"api/ops/partners/{Uri.EscapeDataString(id)}/credentials", Caller.Ops, cancellationToken);
            await context.WriteAsync(listed, l =>
            [
                $"Credentials of {id}:",
                .. l.GetProperty("webhookSecrets").EnumerateArray().Select(s => Line("webhook secret", s, "secretId")),
                .. l.GetProperty("apiKeys").EnumerateArray().Select(k => Line("API key", k, "keyId")),
            ]);
        });
        partners.Subcommands.Add(credentials);

        var overlap = new Option<int?>("--overlap-minutes") { Description = "How long it keeps working, for the partner to switch (default 60; 0 = now, for a leaked one)." };
        var retireSecretPartner = new Argument<string>("partnerId");
        var secretId = new Argument<string>("secretId") { Description = "As listed by `fulfil partners credentials`." };
        var retireSecret = new Command("retire-secret", "Retire a webhook secret after an overlap: then it verifies no webhook and signs no callback.") { retireSecretPartner, secretId, overlap };
        retireSecret.Runs(async (context, cancellationToken) =>
        {
            var (id, secret) = (context.Result.GetValue(retireSecretPartner)!, context.Result.GetValue(secretId)!);
            var retired = await context.Api.PostJsonAsync(
                $"api/ops/partners/{Uri.EscapeDataString(id)}/webhook-secrets/{Uri.EscapeDataString(secret)}/retire",
                new { overlapMinutes = context.Result.GetValue(overlap) }, Caller.Ops, cancellationToken);
            await context.WriteAsync(retired, r => [$"Webhook secret {secret} of {id} retires at {r.GetProperty("retiresAt").GetDateTimeOffset():u}."]);
        });
        partners.Subcommands.Add(retireSecret);

        var retireKeyPartner = new Argument<string>("partnerId");
        var retireKeyId = new Argument<string>("keyId");
        var retireKey = new Command("retire-key", "Retire an API key after an overlap (revoke-key refuses it at once).") { retireKeyPartner, retireKeyId, overlap };
        retireKey.Runs(async (context, cancellationToken) =>
        {
            var (id, key) = (context.Result.GetValue(retireKeyPartner)!, context.Result.GetValue(retireKeyId)!);
            var retired = await context.Api.PostJsonAsync(
                $"api/ops/partners/{Uri.EscapeDataString(id)}/api-keys/{Uri.EscapeDataString(key)}/retire",
                new { overlapMinutes = context.Result.GetValue(overlap) }, Caller.Ops, cancellationToken);
            await context.WriteAsync(retired, r => [$"API key {key} of {id} retires at {r.GetProperty("retiresAt").GetDateTimeOffset():u}."]);
        });
        partners.Subcommands.Add(retireKey);
        return partners;
    }

    private static string Line(string kind, System.Text.Json.JsonElement credential, string idName) =>
        $"  {kind} {credential.GetProperty(idName).GetString()}: created {Time(credential, "createdAt")}, last used {Time(credential, "lastUsedAt")}"
        + (credential.GetProperty("retiresAt").ValueKind == System.Text.Json.JsonValueKind.Null ? "" : $", retires {Time(credential, "retiresAt")}")
        + (credential.GetProperty("active").GetBoolean() ? "" : " (retired)");

    private static string Time(System.Text.Json.JsonElement credential, string name) =>
        credential.GetProperty(name) is { ValueKind: System.Text.Json.JsonValueKind.String } at ? at.GetDateTimeOffset().ToString("u", System.Globalization.CultureInfo.InvariantCulture) : "-";
}
