using System.Diagnostics.CodeAnalysis;

// "Stream" is the minidump format's own word for a directory entry's data; these types are not
// System.IO.Stream and a different suffix would hide the correspondence with the format.
[assembly: SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "Minidump stream, not System.IO.Stream.", Scope = "type", Target = "~T:Obs.Minidump.MinidumpStream")]
[assembly: SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "Minidump stream, not System.IO.Stream.", Scope = "type", Target = "~T:Obs.Minidump.MinidumpRawStream")]
[assembly: SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "Minidump stream, not System.IO.Stream.", Scope = "type", Target = "~T:Obs.Minidump.MinidumpExceptionStream")]
[assembly: SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "Minidump stream, not System.IO.Stream.", Scope = "type", Target = "~T:Obs.Minidump.MinidumpTextStream")]
[assembly: SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "Minidump stream, not System.IO.Stream.", Scope = "type", Target = "~T:Obs.Minidump.MinidumpHandleDataStream")]
