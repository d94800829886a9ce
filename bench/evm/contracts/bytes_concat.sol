// SPDX-License-Identifier: MIT
// bytes_concat: the same buffer by idiomatic concatenation; every step copies into fresh
// memory that is never freed, so gas grows about n^2.
pragma solidity ^0.8.28;

contract BytesConcat {
    function run(uint256 n) external pure returns (uint256, bytes32) {
        bytes memory buf;
        for (uint256 i = 0; i < n; i++) {
            buf = bytes.concat(buf, bytes1(uint8(i)));
        }
        return (buf.length, keccak256(buf));
    }
}
