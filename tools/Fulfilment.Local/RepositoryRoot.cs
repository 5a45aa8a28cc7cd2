namespace Fulfilment.Local;

/// <summary>Finds the repository root (the folder holding Fulfilment.sln) from wherever a tool or test runs.</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Fulfilment.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (Fulfilment.sln) above " + AppContext.BaseDirectory);
    }
}
