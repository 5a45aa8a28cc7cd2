using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit.Abstractions;

namespace Fulfilment.Tests;

/// <summary>
/// Dependencies between the app's folders point one way: the edge (functions, hosting, HTTP) → flows → capabilities →
/// storage, outbound HTTP, observability and the settings convention. The HTTP contract (its own assembly,
/// contract/) sits between the flows and the capabilities: the edge and the flows speak it, capabilities never see it. The app's sources are compiled here and every name in them is bound to what it refers
/// to, so a type used without a <c>using</c> (partly qualified, or through <c>using static</c>) counts as well.
/// </summary>
public sealed class DependencyDirectionTests(ITestOutputHelper output)
{
    /// <summary>The layers, highest first. A folder may use any folder of a lower layer, and within its own layer only the edges below.</summary>
    private static readonly string[][] Layers =
    [
        ["Functions", "Hosting", "Http"],
        ["Delivery", "Notifications", "RedemptionLog", "Ops"],
        ["Contract"],
        ["Payments", "Orders", "Inventory", "Catalogue", "Partners", "Suppliers", "Webhooks", "Crypto", "Risk"],
        ["Storage", "Egress", "Observability"],
        ["Settings", "Serialization"],
    ];

    /// <summary>Uses within one layer: each one a deliberate choice, and together without a cycle.</summary>
    private static readonly (string From, string To)[] WithinLayer =
    [
        ("Functions", "Hosting"), ("Functions", "Http"), ("Hosting", "Http"),
        ("Delivery", "Notifications"), ("Delivery", "RedemptionLog"), ("Delivery", "Ops"), ("Notifications", "Ops"),
        ("Payments", "Orders"), ("Payments", "Partners"), ("Payments", "Webhooks"), ("Payments", "Catalogue"),
        ("Inventory", "Catalogue"), ("Inventory", "Crypto"), ("Orders", "Catalogue"), ("Orders", "Inventory"), ("Orders", "Risk"), ("Partners", "Crypto"), ("Suppliers", "Catalogue"),
    ];

    [Fact]
    public void Folders_use_only_folders_below_them()
    {
        var (graph, files) = FolderGraph();
        foreach (var (folder, uses) in graph.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{folder} -> {string.Join(", ", uses.Order(StringComparer.Ordinal))}");
        }

        var layerOf = Layers.SelectMany((folders, layer) => folders.Select(folder => (folder, layer))).ToDictionary(x => x.folder, x => x.layer);
        Assert.Equal(
            graph.Keys.Order(StringComparer.Ordinal),
            graph.Keys.Where(layerOf.ContainsKey).Order(StringComparer.Ordinal)); // every folder has a layer

        var breaking = graph
            .SelectMany(g => g.Value.Select(to => (From: g.Key, To: to)))
            .Where(edge => layerOf[edge.To] < layerOf[edge.From] || (layerOf[edge.To] == layerOf[edge.From] && !WithinLayer.Contains(edge)))
            .Order()
            .ToList();
        foreach (var (from, to) in breaking)
        {
            output.WriteLine($"breaks the direction: {from} -> {to} ({string.Join(", ", files[(from, to)].Order(StringComparer.Ordinal))})");
        }

        Assert.Empty(breaking);
    }

    [Fact]
    public void The_edges_allowed_within_a_layer_have_no_cycle()
    {
        var remaining = WithinLayer.ToList();
        while (remaining.Count > 0)
        {
            var leaves = remaining.Select(e => e.To).Where(to => remaining.All(e => e.From != to)).ToHashSet();
            Assert.True(leaves.Count > 0, "cycle among: " + string.Join(", ", remaining));
            remaining.RemoveAll(e => leaves.Contains(e.To));
        }
    }

    /// <summary>
    /// Each top-level folder of functions/ and the folders its sources use (files at the root compose the app and are
    /// left out), and for each use the files that make it.
    /// </summary>
    private static (Dictionary<string, HashSet<string>> Graph, Dictionary<(string From, string To), HashSet<string>> Files) FolderGraph()
    {
        var root = Path.Combine(PartnerGuideTests.RepositoryRoot(), "functions");
        var sources = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(path => !IsBuildOutput(Path.GetRelativePath(root, path)))
            .ToList();
        var globalUsings = Directory.EnumerateFiles(Path.Combine(root, "obj"), "Fulfilment.Functions.GlobalUsings.g.cs", SearchOption.AllDirectories).First();
        var trees = sources.Append(globalUsings)
            .Select(path => CSharpSyntaxTree.ParseText(File.ReadAllText(path), new CSharpParseOptions(LanguageVersion.Preview), path))
            .ToList();
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
            .Where(path => !Path.GetFileName(path).StartsWith("Fulfilment.", StringComparison.Ordinal) || Path.GetFileName(path) == "Fulfilment.Contract.dll")
            .DistinctBy(Path.GetFileName)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("Fulfilment.Functions", trees, references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

        // Only what source generators would add is missing (the [GeneratedRegex] bodies): everything else must bind.
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS8795").ToList();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors.Take(10)));

        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var files = new Dictionary<(string From, string To), HashSet<string>>();
        foreach (var tree in trees.Where(t => t.FilePath != globalUsings))
        {
            var relative = Path.GetRelativePath(root, tree.FilePath);
            if (!relative.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue; // the composition root
            }

            var folder = relative[..relative.IndexOf(Path.DirectorySeparatorChar, StringComparison.Ordinal)];
            var uses = graph.TryGetValue(folder, out var known) ? known : graph[folder] = new HashSet<string>(StringComparer.Ordinal);
            var model = compilation.GetSemanticModel(tree);
            foreach (var name in tree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
            {
                if (FolderOf(model.GetSymbolInfo(name).Symbol) is { } used && used != folder)
                {
                    uses.Add(used);
                    (files.TryGetValue((folder, used), out var making) ? making : files[(folder, used)] = new HashSet<string>(StringComparer.Ordinal)).Add(relative);
                }
            }
        }

        return (graph, files);
    }

    private static bool IsBuildOutput(string relative) =>
        relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal) || relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>The app folder a symbol is declared in, from its namespace (Fulfilment.&lt;Folder&gt;…), or "Contract"; null for anything else.</summary>
    private static string? FolderOf(ISymbol? symbol)
    {
        if (symbol is null or INamespaceSymbol or ILocalSymbol or IParameterSymbol or ITypeParameterSymbol or ILabelSymbol or IRangeVariableSymbol)
        {
            return null;
        }

        if (symbol is IMethodSymbol { ReducedFrom: { } extension })
        {
            symbol = extension;
        }

        if (symbol.ContainingAssembly?.Name == "Fulfilment.Contract")
        {
            return "Contract";
        }

        var parts = symbol.ContainingNamespace?.ToDisplayString().Split('.') ?? [];
        return parts.Length >= 2 && parts[0] == "Fulfilment" && symbol.ContainingAssembly?.Name == "Fulfilment.Functions" ? parts[1] : null;
    }
}
