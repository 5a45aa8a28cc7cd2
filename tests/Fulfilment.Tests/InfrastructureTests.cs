using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Fulfilment.Ops;
using Fulfilment.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Fulfilment.Tests;

/// <summary>
/// infra/ compiles with the bicep CLI (restored from NuGet) with no linter warning, and the templates and
/// local.settings.sample.json set every setting the app's options read — and the templates nothing else.
/// </summary>
public sealed class InfrastructureTests
{
    /// <summary>Settings the Functions host reads (the connection string is read by the app's telemetry too): allowed in the templates.</summary>
    private static readonly string[] HostSettings = ["AzureWebJobsStorage__credential", "APPLICATIONINSIGHTS_CONNECTION_STRING"];

    [Fact]
    public void The_templates_compile_without_a_linter_warning()
    {
        var (exitCode, output, errors) = Bicep("build", Path.Combine(Root, "infra", "main.bicep"), "--stdout");
        Assert.True(exitCode == 0 && errors.Trim().Length == 0, $"bicep build: exit {exitCode}\n{errors}");
        Assert.Contains("Microsoft.Web/sites", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Templates_and_the_local_sample_set_every_setting_the_app_reads_and_the_templates_nothing_else()
    {
        var appSettings = AppSettingsOfTheTemplates();
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "local.settings.sample.json")));
        var local = sample.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name).ToHashSet();

        var read = SettingsTheAppReads().ToList();
        Assert.Contains("Ops__ApiKey", read); // the reflection did find the options
        Assert.All(read.Where(s => !s.StartsWith("DevKek__", StringComparison.Ordinal)), s => Assert.Contains(s, appSettings));
        Assert.All(read, s => Assert.Contains(s, local));

        // Storage: a connection string locally, by identity in Azure.
        Assert.Contains("AzureWebJobsStorage", local);
        Assert.Contains("AzureWebJobsStorage__accountName", appSettings);
        Assert.Contains("AzureWebJobsStorage__clientId", appSettings);

        string[] storageByIdentity = ["AzureWebJobsStorage__accountName", "AzureWebJobsStorage__clientId"];
        // Suppliers are sections of their own name (Suppliers__<name>__<setting>), set only when configured.
        var supplierSettings = typeof(Fulfilment.Suppliers.SupplierOptions).GetProperties().Select(p => p.Name).ToHashSet();
        bool IsSupplierSetting(string s) => s.Split("__") is ["Suppliers", _, var setting] && supplierSettings.Contains(setting);
        Assert.Contains("Suppliers__reloadly__ClientSecret", appSettings);
        Assert.Contains("Suppliers__dtone__CallbackSecret", appSettings);
        Assert.All(appSettings, s => Assert.True(
            read.Contains(s) || storageByIdentity.Contains(s) || HostSettings.Contains(s) || IsSupplierSetting(s), $"the templates set {s}, which nothing reads"));
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", appSettings); // Flex Consumption takes the runtime from functionAppConfig
    }

    /// <summary>
    /// Every property of the options the app binds, as an app setting name (section__property): the sections are read
    /// from the app itself (each one is registered by the settings convention), so a new one is checked without being listed here.
    /// </summary>
    private static IEnumerable<string> SettingsTheAppReads()
    {
        var app = FulfilmentApp.Build([], builder => builder.Configuration.AddInMemoryCollection(StartupTests.Settings), "Development");
        using var disposable = (IDisposable)app;
        var sections = app.Services.GetServices<SettingsSection>().ToList();
        Assert.Contains(sections, s => s.Options == typeof(OpsOptions)); // the convention did register them
        foreach (var (options, section) in sections)
        {
            foreach (var property in options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            {
                yield return section is null ? property.Name : $"{section}__{property.Name}";
            }
        }
    }

    private static HashSet<string> AppSettingsOfTheTemplates()
    {
        var (exitCode, output, errors) = Bicep("build", Path.Combine(Root, "infra", "modules", "functionapp.bicep"), "--stdout");
        Assert.True(exitCode == 0, errors);
        using var arm = JsonDocument.Parse(output);
        var site = arm.RootElement.GetProperty("resources").EnumerateArray()
            .Single(r => r.GetProperty("type").GetString() == "Microsoft.Web/sites");
        var appSettings = site.GetProperty("properties").GetProperty("siteConfig").GetProperty("appSettings");
        if (appSettings.ValueKind == JsonValueKind.Array)
        {
            return Names(appSettings).ToHashSet();
        }

        // concat(variables('core'), variables('…')): a literal list, or one that exists only under a condition
        // (if(…, createArray(), createArray(createObject('name', '…', …)))): every name either can set.
        var variables = arm.RootElement.GetProperty("variables");
        return System.Text.RegularExpressions.Regex.Matches(appSettings.GetString()!, @"variables\('([^']+)'\)")
            .Select(m => variables.GetProperty(m.Groups[1].Value))
            .SelectMany(v => v.ValueKind == JsonValueKind.Array
                ? Names(v)
                : System.Text.RegularExpressions.Regex.Matches(v.GetString()!, @"createObject\('name', '([^']+)'").Select(m => m.Groups[1].Value))
            .ToHashSet();

        static IEnumerable<string> Names(JsonElement settings) => settings.EnumerateArray().Select(s => s.GetProperty("name").GetString()!);
    }

    private static (int ExitCode, string Output, string Errors) Bicep(params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "bicep", "bicep")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, errors);
    }

    private static string Root => PartnerGuideTests.RepositoryRoot();
}
