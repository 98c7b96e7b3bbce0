package lang_test

import (
	"fmt"

	"github.com/gtrace/gtrace/lang"
)

func ExampleDump() {
	f, err := lang.Parse("<cmdline>", `kprobe:vfs_read /pid == 42/ { @bytes[comm] = sum(arg2); }`)
	if err != nil {
		fmt.Print(lang.FormatError(err))
		return
	}
	fmt.Print(lang.Dump(f))
	// Output:
	// file <cmdline>
	//   probe @1:1-58
	//     attach kprobe ["vfs_read"] raw="kprobe:vfs_read" @1:1-16
	//     pred @1:18-27
	//       binary == @1:18-27
	//         ident pid @1:18-21
	//         int 42 @1:25-27
	//     block @1:29-58
	//       assign = @1:31-55
	//         map @bytes @1:31-43
	//           ident comm @1:38-42
	//         call sum @1:46-55
	//           ident arg2 @1:50-54
}

func ExampleParse_error() {
	_, err := lang.Parse("<cmdline>", "BEGIN { $x = 1 +; }")
	fmt.Print(lang.FormatError(err))
	// Output:
	// <cmdline>:1:17: unexpected ";", expected an expression
	// BEGIN { $x = 1 +; }
	//                 ^
}
