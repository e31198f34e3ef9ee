-- Oracle: rpm's own EVR comparison (rpm.vercmp, rpm >= 4.16 parses epoch:version-release).
-- Reads "A<TAB>B" lines from the file named by the macro %{pairs}; writes -1, 0 or 1 per line.
for line in io.lines(rpm.expand("%{pairs}")) do
  local a, b = line:match("^(.-)\t(.*)$")
  io.write(rpm.vercmp(a, b), "\n")
end
