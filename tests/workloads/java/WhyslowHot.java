// SPDX-License-Identifier: GPL-2.0
// Counts keys in a HashMap over and over: the JIT compiles work() and the
// JDK's HashMap.merge, where the time goes.  Runs about ARGS[0] seconds.
import java.util.HashMap;
import java.util.Map;

public class WhyslowHot {
	static long work(int n) {
		Map<String, Integer> m = new HashMap<>();
		for (int i = 0; i < n; i++)
			m.merge("k" + (i % 50000), 1, Integer::sum);
		return m.size();
	}

	public static void main(String[] args) {
		long end = System.nanoTime() + (long)(Double.parseDouble(args[0]) * 1e9);
		long t = 0;
		while (System.nanoTime() < end)
			t += work(200000);
		System.err.println(t);	// stdout is the report's
	}
}
