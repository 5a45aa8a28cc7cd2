using System.CommandLine;
using Fulfilment.Cli.Commands;

namespace Fulfilment.Cli;

/// <summary>The <c>fulfil</c> command tree, its global options, and how a run ends (output, errors, exit code).</summary>
internal static class FulfilCommandLine
{
    public static readonly Option<Uri> BaseUrl = new("--base-url")
    {
        Description = "The app's address, e.g. https://<app>.azurewebsites.net (env FULFIL_URL; default http://127.0.0.1:7071).",
        DefaultValueFactory = _ => new Uri(Environment.GetEnvironmentVariable("FULFIL_URL") is { Length: > 0 } url ? url : "http://127.0.0.1:7071"),
        CustomParser = AbsoluteUri,
        Recursive = true,
    };

    public static readonly Option<string?> OpsKey = new("--ops-key")
    {
        // No DefaultValueFactory: help would print the key from the environment. CliContext falls back to it.
        Description = "The ops key, for ops commands (env FULFIL_OPS_KEY).",
        Recursive = true,
    };

    public static readonly Option<string?> ApiKey = new("--api-key")
    {
        Description = "A partner's API key, for partner commands such as `logs pull` (env FULFIL_API_KEY).",
        Recursive = true,
    };

    public static readonly Option<bool> JsonOutput = new("--json")
    {
        Description = "Write the result as JSON on stdout, for scripts (progress and errors still go to stderr).",
        Recursive = true,
    };

    public static readonly Option<int> TimeoutSeconds = new("--timeout")
    {
        Description = "Seconds to wait for each answer.",
        DefaultValueFactory = _ => 100,
        Recursive = true,
    };

    /// <summary>Parses an option's value as an absolute http(s) URL, or reports why not.</summary>
    public static Uri? AbsoluteUri(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            return uri;
        }

        result.AddError($"'{text}' is not an absolute http(s) URL.");
        return null;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, bool interactive, CancellationToken cancellationToken = default)
    {
        var root = Build(interactive);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors)
            {
                await error.WriteLineAsync($"error: {problem.Message}");
            }

            await error.WriteLineAsync("Run `fulfil --help` (or `fulfil <command> --help`) for usage.");
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }

    private static RootCommand Build(bool interactive)
    {
        var root = new RootCommand(
            "Operate Fulfilment: import keys, watch stock, trace orders, replay poison queues, manage partners, rotate the KEK, " +
            "set risk rules, decide orders held for review, and pull a partner's redemption log. Exit codes: 0 ok, 1 refused by the app, 2 usage, 3 unauthorized, 4 not found, 5 app unreachable or failing.")
        {
            BaseUrl, OpsKey, ApiKey, JsonOutput, TimeoutSeconds,
        };
        root.Subcommands.Add(KeysCommand.Build(interactive));
        root.Subcommands.Add(StockCommand.Build());
        root.Subcommands.Add(OrdersCommand.Build());
        root.Subcommands.Add(PoisonCommand.Build());
        root.Subcommands.Add(PartnersCommand.Build());
        root.Subcommands.Add(LogsCommand.Build(interactive));
        root.Subcommands.Add(KekCommand.Build(interactive));
        root.Subcommands.Add(RiskCommand.Build());
        root.Subcommands.Add(ReviewCommand.Build());
        root.Subcommands.Add(SuppliersCommand.Build());
        return root;
    }

    /// <summary>Runs a command's work with its context; a <see cref="CliException"/> becomes a message on stderr and its exit code.</summary>
    public static void Runs(this Command command, Func<CliContext, CancellationToken, Task> work) =>
        command.SetAction(async (result, cancellationToken) =>
        {
            using var context = new CliContext(result);
            try
            {
                await work(context, cancellationToken);
                return ExitCodes.Success;
            }
            catch (CliException e)
            {
                await context.Error.WriteLineAsync($"error: {TerminalText.Safe(e.Message)}");
                return e.ExitCode;
            }
        });
}
