using CaptionBoundaries.Domain.Registry;
using CaptionBoundaries.Grains.Abstractions;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Grains.Models;

/// <summary>
/// Traffic splits: a canary answers a share of production's requests, a shadow computes on a copy of them. The split is
/// part of the grain's state, so it survives restarts and every predictor reads it with the active version in one call.
/// </summary>
public sealed partial class ModelGrain
{
    public async Task<SplitResult> SetSplit(string mode, int version, int? sharePercent, string reason, string actor)
    {
        mode = mode?.Trim().ToLowerInvariant() ?? "";
        reason = ReasonOrDefault(reason);
        var s = state.State;
        if (!TrafficSplitModes.IsKnown(mode))
            return Refusal(s, SplitRefusal.Invalid, "mode", $"mode must be '{TrafficSplitModes.Canary}' or '{TrafficSplitModes.Shadow}', got '{mode}'");
        if (mode == TrafficSplitModes.Canary && sharePercent is not (>= TrafficSplit.MinSharePercent and <= TrafficSplit.MaxSharePercent))
            return Refusal(s, SplitRefusal.Invalid, "share_percent",
                $"a canary needs share_percent between {TrafficSplit.MinSharePercent} and {TrafficSplit.MaxSharePercent} (the percentage of requests it answers), got {sharePercent?.ToString() ?? "none"}");
        if (mode == TrafficSplitModes.Shadow && sharePercent is not null)
            return Refusal(s, SplitRefusal.Invalid, "share_percent", "a shadow computes on a copy of every production request and takes no share_percent");

        if (s.Split is { } running)
        {
            if (running.Mode != mode || running.CandidateVersion != version)
                return Refusal(s, SplitRefusal.Conflict, null,
                    $"model '{Name}' already runs a {Describe(running)}; promote or abort it before starting another");
            return running.IsCanary
                ? await ChangeShare(s, running, sharePercent!.Value, reason, actor)
                : new SplitResult(false, s.ActiveVersion, running, $"the shadow of version {version} is already running");
        }

        if (s.ActiveVersion is not { } active)
            return Refusal(s, SplitRefusal.Conflict, null, $"model '{Name}' serves no version yet; switch to one before starting a {mode}");
        var candidate = s.Find(version);
        if (candidate is null)
            return Refusal(s, SplitRefusal.NotFound, "version", $"version {version} of model '{Name}' is not registered; registered: {Registered(s)}");
        if (s.Archived.Contains(version))
            return Refusal(s, SplitRefusal.Invalid, "version", $"version {version} of model '{Name}' is archived and cannot take traffic");
        if (version == active)
            return Refusal(s, SplitRefusal.Invalid, "version", $"version {version} is already the production version of model '{Name}'; a candidate must be another version");

        // The candidate answers real requests (a canary) or competes for the same cores (a shadow): it is checked exactly
        // as a switch checks a version, and a refusal leaves the model as it was.
        var problem = await Task.Run(() => validator.FindProblem(candidate));
        if (problem is not null)
        {
            logger.LogWarning("Model {Model}: refused a {Mode} of version {Version}: {Problem}", Name, mode, version, problem);
            return Refusal(state.State, SplitRefusal.Conflict, null, problem);
        }

        s = state.State;
        var now = DateTime.UtcNow;
        var split = new TrafficSplit(mode, version, sharePercent, actor, reason, now, now);
        await Save(s with { Split = split, SplitRevision = s.SplitRevision + 1 });
        await RecordAndNotify([new ModelChangeNotice(Name, ModelChangeNotice.SplitKind(mode, ModelChangeNotice.SplitStart), version, active, null, actor, reason, now,
            sharePercent)]);
        logger.LogInformation("Model {Model}: started a {Split} next to version {Active}: {Reason}", Name, Describe(split), active, reason);
        return new SplitResult(true, active, split, $"started a {Describe(split)} next to production version {active}");
    }

    private async Task<SplitResult> ChangeShare(ModelState s, TrafficSplit running, int sharePercent, string reason, string actor)
    {
        if (running.SharePercent == sharePercent)
            return new SplitResult(false, s.ActiveVersion, running, $"the canary of version {running.CandidateVersion} already answers {sharePercent}% of requests");
        var now = DateTime.UtcNow;
        var changed = running with { SharePercent = sharePercent, ChangedAtUtc = now };
        await Save(s with { Split = changed, SplitRevision = s.SplitRevision + 1 });
        await RecordAndNotify([new ModelChangeNotice(Name, ModelChangeNotice.SplitKind(running.Mode, ModelChangeNotice.SplitShare), running.CandidateVersion,
            s.ActiveVersion, null, actor, reason, now, sharePercent, running.SharePercent)]);
        return new SplitResult(true, s.ActiveVersion, changed, $"the canary of version {running.CandidateVersion} now answers {sharePercent}% of requests (was {running.SharePercent}%)");
    }

    public async Task<SplitResult> PromoteSplit(string reason, string actor)
    {
        var s = state.State;
        if (s.Split is not { } split)
            return Refusal(s, SplitRefusal.Conflict, null, $"model '{Name}' runs no canary or shadow to promote");
        // The same validated path as a switch (checked again: the file may have changed since the split started); the
        // activation ends the split in the same write.
        var switched = await Activate(split.CandidateVersion, ReasonOrDefault(reason),
            ModelChangeNotice.SplitKind(split.Mode, ModelChangeNotice.SplitPromote), actor);
        if (switched.Refused)
            return Refusal(state.State, SplitRefusal.Conflict, null,
                $"version {split.CandidateVersion} was not promoted: {switched.Reason}; the {split.Mode} goes on and version {switched.ActiveVersion} keeps serving");
        return new SplitResult(true, switched.ActiveVersion, null,
            $"version {split.CandidateVersion} ({split.Mode}) is now the production version (was {switched.PreviousVersion}); the {split.Mode} has ended");
    }

    public async Task<SplitResult> AbortSplit(string reason, string actor)
    {
        var s = state.State;
        if (s.Split is not { } split)
            return Refusal(s, SplitRefusal.Conflict, null, $"model '{Name}' runs no canary or shadow to abort");
        reason = ReasonOrDefault(reason);
        await Save(s with { Split = null, SplitRevision = s.SplitRevision + 1 });
        await RecordAndNotify([new ModelChangeNotice(Name, ModelChangeNotice.SplitKind(split.Mode, ModelChangeNotice.SplitAbort), split.CandidateVersion,
            s.ActiveVersion, null, actor, reason, DateTime.UtcNow, split.SharePercent)]);
        logger.LogInformation("Model {Model}: aborted the {Split}: {Reason}", Name, Describe(split), reason);
        return new SplitResult(true, s.ActiveVersion, null, $"the {Describe(split)} has ended; version {s.ActiveVersion} keeps serving every request");
    }

    /// <summary>
    /// Ends the running split as part of an activation: a promote of the candidate is its own record; any other switch,
    /// rollback or production alias move is recorded as the split's abort, with what ended it.
    /// </summary>
    private (ModelState State, List<ModelChangeNotice> Ended) EndSplitFor(ModelState next, int? replaced, string changeKind, int version, string reason, string actor)
    {
        if (next.Split is not { } split) return (next, []);
        var ended = next with { Split = null, SplitRevision = next.SplitRevision + 1 };
        if (changeKind == ModelChangeNotice.SplitKind(split.Mode, ModelChangeNotice.SplitPromote)) return (ended, []);
        return (ended, [new ModelChangeNotice(Name, ModelChangeNotice.SplitKind(split.Mode, ModelChangeNotice.SplitAbort), split.CandidateVersion, replaced,
            null, actor, $"ended by the {changeKind} to version {version}: {reason}", DateTime.UtcNow, split.SharePercent)]);
    }

    /// <summary>What predictors need of the split: the candidate's checkpoint with the mode and share.</summary>
    private static SplitRoute? RouteOf(ModelState s) =>
        s.Split is { } split && s.Find(split.CandidateVersion) is { } candidate
            ? new SplitRoute(split.Mode, candidate, split.SharePercent ?? 0)
            : null;

    private static string Describe(TrafficSplit split) =>
        split.IsCanary ? $"canary of version {split.CandidateVersion} at {split.SharePercent}%" : $"shadow of version {split.CandidateVersion}";

    private static string ReasonOrDefault(string? reason) => string.IsNullOrWhiteSpace(reason) ? "(no reason given)" : reason.Trim();

    private static SplitResult Refusal(ModelState s, SplitRefusal refusal, string? field, string reason) =>
        new(false, s.ActiveVersion, s.Split, reason, refusal, field);
}
