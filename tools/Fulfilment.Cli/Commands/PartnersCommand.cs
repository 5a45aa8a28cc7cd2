using System.CommandLine;

namespace Fulfilment.Cli.Commands;

/// <summary><c>fulfil partners create|add-key|revoke-key</c>.</summary>
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
                $"  webhook secret: {c.GetProperty("webhookSecret").GetString()}",
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
        return partners;
    }
}
