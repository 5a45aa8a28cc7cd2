using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Fulfilment.Tests;

/// <summary>Every source file of the app and of the contract declares one type, named as the file is: a type is found by its name.</summary>
public sealed class OneTypePerFileTests
{
    [Theory]
    [InlineData("functions")]
    [InlineData("contract")]
    public void Each_file_declares_one_type_named_as_the_file(string project)
    {
        var root = Path.Combine(PartnerGuideTests.RepositoryRoot(), project);
        var problems = new List<string>();
        foreach (var path in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, path);
            if (relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal) || relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue;
            }

            var types = CSharpSyntaxTree.ParseText(File.ReadAllText(path)).GetRoot().DescendantNodes()
                .OfType<MemberDeclarationSyntax>()
                .Where(m => m is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax && m.Parent is BaseNamespaceDeclarationSyntax or CompilationUnitSyntax)
                .Select(m => m is BaseTypeDeclarationSyntax t ? t.Identifier.Text : ((DelegateDeclarationSyntax)m).Identifier.Text)
                .ToList();
            if (types.Count > 1 || (types.Count == 1 && types[0] != Path.GetFileNameWithoutExtension(path)))
            {
                problems.Add($"{relative}: {string.Join(", ", types)}");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }
}
