namespace Fgs.Snapshot;
