using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Security.Paths;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Infrastructure.Security.Paths;

/// <summary>
/// Turns a path named in a request into one the server may read or write for the current actor.
/// <para>
/// Every path is canonicalised (every symbolic link resolved) and must stay in the data folder. Inside it, viewers and
/// researchers reach two places only: <c>datasets/</c> (shared: any account lists them) and
/// <c>experiments/&lt;run&gt;/</c> of runs they may see. The registry's checkpoint store, the database and the blobs are
/// never named by path: a stored version is reached through its model (which checks visibility), a run's checkpoint
/// through the run. Admins, who see every run and model anyway, may name any file of the data folder.
/// A refused path and a missing one get the same answer, so the server cannot be used to learn which files exist.
/// </para>
/// <para>The local operator (the CLI on the machine, who can read the data folder anyway) is not confined.</para>
/// </summary>
// The database is resolved only for paths under experiments/: the console's forms validate with this service in
// scopes (and component tests) that never touch a run's folder.
public sealed class RequestPaths(ActorContext actors, CaptionBoundariesOptions options, IServiceProvider services)
{
    // Computed once per scope: every check below compares against these, and predict checks three paths per request.
    private string? _dataRoot;
    private string DataRoot => _dataRoot ??= CanonicalPath.Of(options.ResolvedDataFolder);
    private string DatasetsRoot => Path.Combine(DataRoot, "datasets");
    private string ExperimentsRoot => Path.Combine(DataRoot, "experiments");

    /// <summary>Where the actor's paths may lie at all: the data folder for admins, the datasets folder for other accounts.</summary>
    private string ReachRoot => actors.Current.IsAdmin ? DataRoot : DatasetsRoot;

    // A validator checks a path and its handler resolves it again: a path found readable is kept for the scope (per
    // actor, since a grain's scope may change its actor), so the file system and the run lookup are asked once.
    // Refusals are not kept: a console page's scope lives long, and a dataset made meanwhile must be found.
    private readonly Dictionary<(Actor, string), string> _readable = [];

    private bool Confined => !actors.Current.IsLocal;

    /// <summary>Null when <paramref name="path"/> is a file the actor may read, else the one message for "missing or not allowed".</summary>
    public string? FileProblem(string? path, string what) => TryFile(path, out _) ? null : Unreadable(path, what);

    /// <summary>The canonical path of a readable file, or an invalid <see cref="DomainException"/> naming the field.</summary>
    public string File(string? path, string field, string what) =>
        TryFile(path, out var canonical) ? canonical : throw DomainException.Invalid(Unreadable(path, what), field);

    /// <summary>Null when <paramref name="folder"/> is a dataset folder (with its manifest) the actor may read.</summary>
    public string? DatasetFolderProblem(string? folder) =>
        TryDatasetFolder(folder, out _) ? null
        : Confined ? $"'{folder}' is not a dataset folder (no manifest.json in it), or not one under {Shown(ReachRoot)}."
        : $"'{folder}' is not a dataset folder (no manifest.json in it).";

    public string DatasetFolder(string? folder, string field) =>
        TryDatasetFolder(folder, out var canonical) ? canonical : throw DomainException.Invalid(DatasetFolderProblem(folder)!, field);

    /// <summary>
    /// Null when an account may have the server create and write <paramref name="folder"/>: a new (or empty) folder
    /// under the datasets folder. The local operator writes where the command says (its own checks apply).
    /// </summary>
    public string? NewFolderProblem(string? folder)
    {
        if (!Confined) return null;
        if (string.IsNullOrWhiteSpace(folder)) return "The folder must not be empty.";
        if (!TryCanonical(folder, out var canonical)) return $"'{folder}' is not a usable folder.";
        if (!CanonicalPath.IsUnder(canonical, DatasetsRoot) || canonical == DatasetsRoot)
            return $"'{folder}' is not allowed: new folders go under {Shown(DatasetsRoot)}.";
        if (System.IO.File.Exists(canonical) || (Directory.Exists(canonical) && Directory.EnumerateFileSystemEntries(canonical).Any()))
            return $"'{folder}' already exists and is not empty.";
        return null;
    }

    private bool TryFile(string? path, out string canonical)
    {
        canonical = "";
        if (string.IsNullOrWhiteSpace(path)) return false;
        var key = (actors.Current, path);
        if (_readable.TryGetValue(key, out var known))
        {
            canonical = known;
            return true;
        }
        if (!TryCanonical(path, out canonical) || !System.IO.File.Exists(canonical) || (Confined && !MayRead(canonical))) return false;
        _readable[key] = canonical;
        return true;
    }

    private bool TryDatasetFolder(string? folder, out string canonical)
    {
        if (!TryCanonical(folder, out canonical)) return false;
        if (Confined && !CanonicalPath.IsUnder(canonical, ReachRoot)) return false;
        return TryFile(Path.Combine(canonical, Domain.Datasets.DatasetManifest.FileName), out _);
    }

    /// <summary>False for an empty path or one that cannot be resolved (a link loop, a name the OS refuses).</summary>
    private static bool TryCanonical(string? path, out string canonical)
    {
        canonical = "";
        if (string.IsNullOrWhiteSpace(path)) return false;
        try
        {
            canonical = CanonicalPath.Of(path);
            return true;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private bool MayRead(string canonical)
    {
        if (actors.Current.IsAdmin) return CanonicalPath.IsUnder(canonical, DataRoot);
        if (CanonicalPath.IsUnder(canonical, DatasetsRoot)) return true;
        if (!CanonicalPath.IsUnder(canonical, ExperimentsRoot)) return false;
        // experiments/<id:N>/...: the run must exist and be visible to the actor.
        var relative = Path.GetRelativePath(ExperimentsRoot, canonical).Split(Path.DirectorySeparatorChar);
        if (relative.Length < 2 || !Guid.TryParseExact(relative[0], "N", out var id)) return false;
        var db = services.GetRequiredService<TrackingDbContext>();
        return db.Experiments.Where(e => e.Id == id).VisibleTo(actors.Current).Any();
    }

    private string Unreadable(string? path, string what) =>
        string.IsNullOrWhiteSpace(path) ? $"{what} path must not be empty."
        : Confined ? $"{what} '{path}' is not a file this server may read (it does not exist, or it is not under {Shown(ReachRoot)} or a run you may see)."
        : $"{what} '{path}' does not exist.";

    // Accounts see the folder as configured (relative to the server), not the machine's absolute layout.
    private string Shown(string folder) =>
        folder == DataRoot ? options.DataFolder : Path.Combine(options.DataFolder, Path.GetRelativePath(DataRoot, folder));
}
